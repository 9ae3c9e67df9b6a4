// Serves the built site (dist/) and rebuilds it when quire says content changed.
//
// - Files of dist/ (Hangul paths decoded), `/x` served from `/x/index.html`.
// - A path with no page: when it is `/posts/{slug}` or `/{slug}` and quire knows the
//   slug as a former one of a post or page, a 301 to the current path; otherwise the
//   site's 404 page with status 404.
// - POST /_quire/webhook: a Standard Webhooks request from quire, verified with the
//   official `standardwebhooks` package and QUIRE_WEBHOOK_SECRET (`whsec_…`, printed by
//   `quire webhook add`); a valid one schedules a rebuild (scripts/build.mjs), events
//   arriving during a build are folded into one more build after it. A failed rebuild
//   leaves the published site as it was.
//
//   PORT=4321 HOST=127.0.0.1 QUIRE_URL=http://127.0.0.1:8080 QUIRE_WEBHOOK_SECRET=whsec_… node server.mjs
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? "127.0.0.1";
const quire = process.env.QUIRE_URL ?? "http://127.0.0.1:8080";
const secret = process.env.QUIRE_WEBHOOK_SECRET;
const webhook = secret ? new Webhook(secret) : undefined;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

/** The file for a URL path, or undefined. */
async function fileFor(pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname).normalize("NFC");
  } catch {
    return undefined;
  }
  const full = normalize(join(dist, path));
  if (full !== dist && !full.startsWith(dist + sep)) return undefined;
  for (const candidate of [full, join(full, "index.html")]) {
    const s = await stat(candidate).catch(() => undefined);
    if (s?.isFile()) return candidate;
  }
  return undefined;
}

function send(res, status, file, head = false) {
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  // Astro's hashed assets never change; pages and feeds do, with every rebuild.
  const cache = file.includes(`${sep}_astro${sep}`) ? "public, max-age=31536000, immutable" : "no-cache";
  res.writeHead(status, { "content-type": type, "cache-control": cache });
  if (head) return res.end();
  createReadStream(file).pipe(res);
}

/** The current path of a post or page that `pathname` names by a former slug. */
async function moved(pathname) {
  const m = /^\/(?:(posts)\/)?([^/]+)\/?$/.exec(pathname);
  if (!m) return undefined;
  const slug = decodeURIComponent(m[2]);
  const field = m[1] ? "post" : "page";
  const url = new URL("/graphql", quire);
  url.searchParams.set("query", `query CurrentSlug($slug: String!) { ${field}(slug: $slug) { slug } }`);
  url.searchParams.set("variables", JSON.stringify({ slug }));
  try {
    const answer = await (await fetch(url)).json();
    const current = answer?.data?.[field]?.slug;
    if (!current || current === slug) return undefined;
    return m[1] ? `/posts/${encodeURIComponent(current)}` : `/${encodeURIComponent(current)}`;
  } catch {
    return undefined; // quire unreachable: the 404 page it is.
  }
}

// Rebuilds: one at a time; anything arriving meanwhile makes one more.
let building = false;
let again = [];
function rebuild(reason) {
  again.push(reason);
  if (building) return;
  building = true;
  const reasons = again;
  again = [];
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code) => {
    building = false;
    const took = Date.now() - started;
    if (code === 0) console.log(`rebuilt after ${reasons.join(", ")} in ${took} ms`);
    else console.error(`rebuild after ${reasons.join(", ")} failed (exit ${code}); the site stays as it was`);
    if (again.length) rebuild(again.pop());
  });
}

const seen = new Set();

async function receive(req, res) {
  if (!webhook) {
    res.writeHead(503, { "content-type": "text/plain" }).end("set QUIRE_WEBHOOK_SECRET to receive quire's webhooks\n");
    return;
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1 << 20) return res.writeHead(413).end();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks).toString("utf8");
  let event;
  try {
    event = webhook.verify(body, req.headers);
  } catch (e) {
    console.error(`webhook refused: ${e.message}`);
    return res.writeHead(401, { "content-type": "text/plain" }).end("invalid signature\n");
  }
  res.writeHead(204).end();
  const id = req.headers["webhook-id"];
  if (seen.has(id)) return; // a retry of one already handled
  seen.add(id);
  if (seen.size > 1000) seen.delete(seen.values().next().value);
  if (event.type === "ping") return console.log("webhook ping received");
  console.log(`webhook ${event.type}: ${(event.data?.paths ?? []).join(" ")}`);
  rebuild(event.type);
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/_quire/webhook") {
      if (req.method !== "POST") return res.writeHead(405, { allow: "POST" }).end();
      return await receive(req, res);
    }
    if (req.method !== "GET" && req.method !== "HEAD") return res.writeHead(405, { allow: "GET, HEAD" }).end();
    const head = req.method === "HEAD";
    const file = await fileFor(url.pathname);
    if (file) return send(res, 200, file, head);
    const to = await moved(url.pathname);
    if (to) return res.writeHead(301, { location: to + url.search }).end();
    const missing = await fileFor("/404.html");
    if (missing) return send(res, 404, missing, head);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found (is the site built? npm run build)\n");
  } catch (e) {
    console.error(e);
    if (!res.headersSent) res.writeHead(500).end();
  }
});

server.listen(port, host, () => {
  console.log(`blog at http://${host}:${port}/ (quire: ${quire}; webhooks: ${webhook ? "on" : "off"})`);
});
