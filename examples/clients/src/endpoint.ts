// Where the scripts find quire: QUIRE_URL, the GraphQL endpoint
// (http://127.0.0.1:8080/graphql for `quire serve --demo`).
export const endpoint: string = process.env.QUIRE_URL ?? "http://127.0.0.1:8080/graphql";
