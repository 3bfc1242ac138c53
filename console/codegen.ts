// TypeScript types generated from the committed schema (../schema.graphql, written by
// `make schema`), so the console and the API cannot drift apart unnoticed: `npm run codegen`
// rewrites src/generated/graphql.ts and `npm run codegen:check` (part of `make typecheck`)
// fails when the committed file is not what the schema gives. Reads files only: no network.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  // The console's operations, one `.graphql` file each beside the code that sends it; each
  // becomes a TypedDocumentNode with its result and variables types, for `request()`.
  documents: "src/**/*.graphql",
  ignoreNoDocuments: true,
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        // Every custom scalar named: a new one fails codegen until it is mapped here.
        strictScalars: true,
        scalars: {
          Date: "string", // ISO 8601 date, as the API sends it
          DateTime: "string", // ISO 8601 date-time with offset
          UUID: "string",
          JSON: "unknown",
        },
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
