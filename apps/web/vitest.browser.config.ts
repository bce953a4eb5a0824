import { defineConfig } from "vitest/config";

/** Chromium end-to-end tests (playwright-core + Debian chromium): `npx vitest run --root . -c apps/web/vitest.browser.config.ts`. */
export default defineConfig({
  test: {
    name: "browser",
    include: ["apps/web/test/**/*.browser.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
