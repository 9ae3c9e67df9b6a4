// GraphQL Code Generator over quire's committed SDL and the blog's documents in
// src/queries: the client preset writes each document as a typed string
// (`documentMode: "string"`), so the pages and the browser scripts send plain text with
// no GraphQL runtime, and a query that does not match the schema fails the build.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/queries/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        scalars: { DateTime: "string", JSON: "unknown" },
        enumsAsTypes: true,
        useTypeImports: true,
        documentMode: "string",
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
