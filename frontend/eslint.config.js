import js from "@eslint/js";
import tanstackQuery from "@tanstack/eslint-plugin-query";
import boundaries from "eslint-plugin-boundaries";
import { importX } from "eslint-plugin-import-x";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Shared code flows one way: lib/config/components -> features -> app (bulletproof-react). A feature never
// imports another feature; `landing` (the public journeys) imports no back-office code at all.
const elements = [
  { type: "app", pattern: "src/app/**" },
  { type: "landing", pattern: "src/features/landing/**" },
  { type: "feature", pattern: "src/features/*/**", capture: ["feature"] },
  { type: "components", pattern: "src/components/**" },
  { type: "lib", pattern: "src/lib/**" },
  { type: "config", pattern: "src/config/**" },
  { type: "locales", pattern: "src/locales/**" },
  { type: "testing", pattern: "src/testing/**" },
];
const shared = ["components", "lib", "config", "locales"];

export default tseslint.config(
  { ignores: ["dist", "node_modules", "e2e/screenshots", "e2e/results", "src/lib/api-types.gen.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tanstackQuery.configs["flat/recommended"],
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y, "import-x": importX, boundaries },
    settings: {
      "import-x/resolver-next": [
        (await import("eslint-import-resolver-typescript")).createTypeScriptImportResolver({
          project: "./tsconfig.app.json",
        }),
      ],
      "boundaries/elements": elements,
      "boundaries/files": [{ category: "test", pattern: "**/__tests__/**" }],
      "boundaries/include": ["src/**/*"],
      // The entry file only mounts the app.
      "boundaries/ignore": ["src/main.tsx"],
      "import/resolver": { typescript: { project: "./tsconfig.app.json" } },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.strict.rules,
      "import-x/no-cycle": "error",
      "import-x/no-duplicates": "error",
      "import-x/no-self-import": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      "@typescript-eslint/no-unnecessary-condition": "off",
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: [
            {
              from: { element: { type: "app" } },
              allow: { to: { element: { types: { anyOf: ["app", "feature", "landing", ...shared] } } } },
            },
            {
              from: { element: { type: "feature" } },
              allow: {
                to: {
                  element: {
                    types: { anyOf: [...shared, "testing"] },
                  },
                },
              },
            },
            {
              from: { element: { type: "feature" } },
              allow: {
                to: {
                  element: { type: "feature", captured: { feature: "{{ from.element.captured.feature }}" } },
                },
              },
            },
            {
              from: { element: { type: "landing" } },
              allow: { to: { element: { types: { anyOf: ["landing", ...shared, "testing"] } } } },
            },
            {
              from: { element: { type: "components" } },
              allow: { to: { element: { types: { anyOf: ["components", "lib", "config", "testing"] } } } },
            },
            {
              from: { element: { type: "lib" } },
              allow: { to: { element: { types: { anyOf: ["lib", "config", "locales"] } } } },
            },
            {
              from: { element: { type: "config" } },
              allow: { to: { element: { types: { anyOf: ["config"] } } } },
            },
            // Tests of shared code use the test helpers and whatever shared code they check.
            {
              from: { file: { categories: "test" } },
              allow: { to: { element: { types: { anyOf: ["testing", ...shared] } } } },
            },
            {
              from: { element: { type: "testing" } },
              allow: { to: { element: { types: { anyOf: ["testing", "app", ...shared] } } } },
            },
          ],
        },
      ],
    },
  },
  {
    // The public journeys may call only the public landing API: never a staff endpoint (Polar's wall
    // between customer-portal and merchant code, as a lint rule).
    files: ["src/features/landing/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[value=/^\\/api\\/v1\\/(?!landing\\/)/]",
          message: "The landing feature calls only /api/v1/landing/* endpoints.",
        },
        {
          selector: "TemplateElement[value.raw=/^\\/api\\/v1\\/(?!landing\\/)/]",
          message: "The landing feature calls only /api/v1/landing/* endpoints.",
        },
      ],
    },
  },
  {
    files: ["**/*.test.{ts,tsx}", "src/testing/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["*.js", "*.mjs", "*.cjs", "scripts/**", "e2e/**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: false, project: null },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, "boundaries/dependencies": "off" },
  },
);
