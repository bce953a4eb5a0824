import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), tailwindcss()],
  resolve: {
    // @orbis/contracts' id generator imports node:crypto; the browser never generates ids, so a tiny shim stands in.
    alias: { "node:crypto": fileURLToPath(new URL("./src/lib/crypto-shim.ts", import.meta.url)) },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { "/v1": { target: "http://localhost:3000", ws: true }, "/widget.js": "http://localhost:3000", "/demo": "http://localhost:3000" } },
});
