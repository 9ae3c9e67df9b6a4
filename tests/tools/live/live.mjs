// Drives quire's GraphQL subscriptions with the real graphql-ws client (over the `ws`
// package): opens the clients and subscriptions of a plan given as JSON in argv[2], and
// prints one JSON line per thing that happens, for tests/tests/subscriptions*.rs:
//   {"client":"a","event":"connected"}
//   {"client":"a","event":"closed","code":4029,"reason":"TOO_MANY_CONNECTIONS: …"}
//   {"client":"a","sub":"s","event":"next","payload":{"data":…}}
//   {"client":"a","sub":"s","event":"error","payload":…}
//   {"client":"a","sub":"s","event":"complete"}
// A client of the plan is {"name", "url", "init" (connection_init payload, optional),
// "subs": [{"id", "query", "variables"}]}. Runs until stdin closes.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const plan = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

for (const c of plan.clients) {
  const client = createClient({
    url: c.url,
    webSocketImpl: WebSocket,
    connectionParams: c.init ?? undefined,
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: () => print({ client: c.name, event: 'connected' }),
      closed: (e) => print({ client: c.name, event: 'closed', code: e?.code, reason: e?.reason }),
    },
    onNonLazyError: () => {},
  });
  for (const s of c.subs ?? []) {
    client.subscribe(
      { query: s.query, variables: s.variables ?? {} },
      {
        next: (payload) => print({ client: c.name, sub: s.id, event: 'next', payload }),
        error: (err) => print({
          client: c.name,
          sub: s.id,
          event: 'error',
          payload: err instanceof Error ? { message: err.message }
            : (err && typeof err === 'object' && 'code' in err) ? { code: err.code, reason: err.reason }
            : err,
        }),
        complete: () => print({ client: c.name, sub: s.id, event: 'complete' }),
      },
    );
  }
}

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
