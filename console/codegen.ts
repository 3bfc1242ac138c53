// TypeScript types generated from the committed schema (../schema.graphql, written by
// `make schema`), so the console and the API cannot drift apart unnoticed: `npm run codegen`
// rewrites src/generated/graphql.ts and `npm run codegen:check` (part of `make typecheck`)
// fails when the committed file is not what the schema gives. Reads files only: no network.
import type { CodegenConfig } from "@graphql-codegen/cli";

// Every custom scalar named: a new one fails codegen until it is mapped here.
const SCALARS = {
  Date: "string", // ISO 8601 date, as the API sends it
  DateTime: "string", // ISO 8601 date-time with offset
  UUID: "string",
  JSON: "unknown",
};

const config: CodegenConfig = {
  schema: "../schema.graphql",
  // The console's operations, one `.graphql` file each beside the code that sends it; each
  // becomes a TypedDocumentNode with its result and variables types, for `request()`.
  documents: "src/**/*.graphql",
  ignoreNoDocuments: true,
  generates: {
    // Every type of the schema (objects, unions, inputs, enums).
    "src/generated/schema.ts": {
      plugins: ["typescript"],
      config: {
        strictScalars: true,
        scalars: SCALARS,
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: false,
        immutableTypes: true,
      },
    },
    // The console's operations, with the inputs and enums they use (typescript-operations 6
    // writes those itself, so this file stands alone: import operations from here).
    "src/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        strictScalars: true,
        scalars: SCALARS,
        // Enums as string-literal unions: no runtime code, fits isolatedModules.
        enumsAsTypes: true,
        enumType: "string-literal",
        useTypeImports: true,
        avoidOptionals: false,
        immutableTypes: true,
      },
    },
  },
};

export default config;
