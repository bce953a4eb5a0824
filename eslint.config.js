import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".orbis/**", "packages/db/drizzle/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Configuration is parsed once per role by packages/config; product code reads it from there.
    files: ["apps/*/src/**", "apps/web/server/**", "packages/*/src/**"],
    ignores: ["packages/config/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Only packages/config reads process.env; take the value from AppConfig." },
      ],
    },
  },
  {
    files: ["**/*.mjs", "scripts/**"],
    languageOptions: { globals: { process: "readonly", console: "readonly", WebAssembly: "readonly" } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
);
