// GraphQL Code Generator over quire's committed SDL and the blog documents in
// src/documents: the client preset writes typed documents (TypedDocumentNode) and the
// result types to src/gql/, which Apollo Client, urql and graphql-request all accept.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/documents/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        // quire's custom scalars: RFC 3339 strings and any JSON value.
        scalars: { DateTime: "string", JSON: "unknown" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
