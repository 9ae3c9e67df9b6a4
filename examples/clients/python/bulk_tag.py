"""An admin script over quire's GraphQL API with the `gql` client: logs in with an API key
and adds a tag to every published post that lacks it, one `updatePost` each.

    pip install "gql[requests]" PyJWT
    quire apikey create --name bulk-tag --role editor      # prints keyId:secret once
    QUIRE_API_KEY=keyId:secret python bulk_tag.py 아카이브

Environment: QUIRE_API_KEY (`keyId:secret`), QUIRE_URL (default
http://127.0.0.1:8080/graphql). Prints a JSON summary on standard output; exits 1 with the
error's `extensions.code` when quire refuses a request. Queries are checked against the
committed schema.graphql before they are sent.
"""

import json
import os
import pathlib
import sys
import time

import jwt
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

SCHEMA = pathlib.Path(__file__).resolve().parents[3] / "schema.graphql"

POSTS = """
query Posts($after: String) {
  posts(first: 50, after: $after) {
    nodes { id slug version tags { name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

UPDATE = """
mutation AddTag($id: ID!, $version: Int!, $tags: [String!]!) {
  updatePost(input: { id: $id, expectedVersion: $version, tags: $tags }) {
    post { slug version tags { name } }
  }
}
"""


def token(api_key: str) -> str:
    """A short-lived token signed with the key's secret, as quire expects of scripts:
    HS256, header `kid` = key ID, audience `quire-admin`, expiring within 5 minutes."""
    key_id, secret = api_key.split(":", 1)
    now = int(time.time())
    return jwt.encode(
        {"iat": now, "exp": now + 300, "aud": "quire-admin"},
        secret,
        algorithm="HS256",
        headers={"kid": key_id},
    )


def all_posts(session):
    after = None
    while True:
        page = session.execute(GraphQLRequest(POSTS, variable_values={"after": after}))["posts"]
        yield from page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: bulk_tag.py TAG", file=sys.stderr)
        return 2
    tag = sys.argv[1]
    transport = RequestsHTTPTransport(
        url=os.environ.get("QUIRE_URL", "http://127.0.0.1:8080/graphql"),
        headers={"Authorization": f"Bearer {token(os.environ['QUIRE_API_KEY'])}"},
        timeout=30,
    )
    client = Client(transport=transport, schema=SCHEMA.read_text(encoding="utf-8"))
    updated, unchanged = [], []
    try:
        with client as session:
            for post in list(all_posts(session)):
                names = [t["name"] for t in post["tags"]]
                if tag in names:
                    unchanged.append(post["slug"])
                    continue
                result = session.execute(
                    GraphQLRequest(
                        UPDATE,
                        variable_values={
                            "id": post["id"],
                            "version": post["version"],
                            "tags": names + [tag],
                        },
                    )
                )["updatePost"]["post"]
                updated.append(
                    {"slug": result["slug"], "version": result["version"],
                     "tags": [t["name"] for t in result["tags"]]}
                )
    except TransportQueryError as e:
        codes = [(err.get("extensions") or {}).get("code") for err in e.errors or []]
        print(f"quire refused a request: {codes}: {e}", file=sys.stderr)
        return 1
    json.dump({"tag": tag, "updated": updated, "unchanged": unchanged}, sys.stdout,
              ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
