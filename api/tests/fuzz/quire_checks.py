"""Schemathesis checks for quire (loaded with SCHEMATHESIS_HOOKS=<this file>).

Schemathesis's own `not_a_server_error` takes every GraphQL error for a server error,
so an honest `NOT_FOUND` or `UNAUTHENTICATED` would fail it. quire's contract is
narrower and stricter, and these checks state it:

- `no_server_error_status`: no response has a 5xx status (503 aside, which quire sends
  only when its database is unreachable, never the case in these runs);
- `every_error_has_a_code`: every error of every response has a string
  `extensions.code`;
- `no_internal_error`: no error has the code `INTERNAL` (an unexpected failure that
  quire logs and hides: what a fuzzer must never provoke).
"""

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# `Upload` is a file sent beside the query (the GraphQL multipart request spec); in a
# plain JSON request any value in its place must be refused with a code, so the fuzzer
# sends strings there.
schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))


def _errors(response):
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    if isinstance(body, dict):
        return body.get("errors") or []
    if isinstance(body, list):  # a batch
        return [e for item in body if isinstance(item, dict) for e in item.get("errors") or []]
    return None


def _query(case):
    body = case.body
    if isinstance(body, dict):
        body = body.get("query", "")
    return str(body)[:2000]


@schemathesis.check
def no_server_error_status(ctx, response, case):
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"HTTP {response.status_code}" + "\n" + f"query:\n{_query(case)}\nresponse:\n{response.text[:2000]}")
    return None


@schemathesis.check
def every_error_has_a_code(ctx, response, case):
    errors = _errors(response)
    if errors is None:
        raise AssertionError("Response is not GraphQL JSON" + "\n" + f"status {response.status_code}\nquery:\n{_query(case)}\nresponse:\n{response.text[:2000]}")
    for error in errors:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        if not isinstance(code, str) or not code:
            raise AssertionError("Error without extensions.code" + "\n" + f"status {response.status_code}\nquery:\n{_query(case)}\nerror: {json.dumps(error, ensure_ascii=False)[:2000]}")
    return None


@schemathesis.check
def no_internal_error(ctx, response, case):
    for error in _errors(response) or []:
        if isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "INTERNAL":
            raise AssertionError("INTERNAL error" + "\n" + f"query:\n{_query(case)}\nerror: {json.dumps(error, ensure_ascii=False)[:2000]}")
    return None
