/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Writes dist/.vite/chunk-packages.json: the npm packages each emitted chunk bundles. The budget script
 * uses it to hold that the entry and /landing bundle no chart or table library (they weigh on every page).
 */
function chunkPackages(): Plugin {
  return {
    name: "mtf-chunk-packages",
    apply: "build",
    generateBundle(_options, bundle) {
      const packages: Record<string, string[]> = {};
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        // The last node_modules segment names the package (pnpm-style nested paths included); a module that
        // renders no code (a stylesheet import) does not count.
        const names = Object.entries(chunk.modules).flatMap(([id, module]) => {
          const match = module.renderedLength > 0 && /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
          return match ? [match[1]] : [];
        });
        packages[chunk.fileName] = [...new Set(names)].sort();
      }
      this.emitFile({
        type: "asset",
        fileName: ".vite/chunk-packages.json",
        source: JSON.stringify(packages, null, 1),
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), chunkPackages()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    // The budget script reads this manifest to tie chunks to routes (scripts/check-bundle-budget.mjs).
    manifest: true,
    sourcemap: false,
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/testing/setup-tests.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    testTimeout: 15000,
  },
});
