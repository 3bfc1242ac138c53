// `npm run lint` (part of `make lint`): ESLint's recommended rules, typescript-eslint's
// type-checked ones (through the project's tsconfig.json) and the rules of React hooks.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  // the build's output, and what `npm run codegen` writes from schema.graphql
  globalIgnores(["dist/", "src/generated/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  reactHooks.configs.flat.recommended,
  {
    languageOptions: {
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // this file, outside tsconfig.json: the untyped rules only
  { files: ["**/*.js"], extends: [tseslint.configs.disableTypeChecked] },
]);
