// Builds the site into a fresh folder under builds/ and, only when the build succeeds,
// points `dist` at it (a symlink swapped with one rename, so a server reading `dist`
// sees the old site or the new one, never half of one). quire unreachable, or answering
// errors, fails the build with quire's message: an empty site is never published.
//
//   node scripts/build.mjs            QUIRE_URL (default http://127.0.0.1:8080)
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quire = process.env.QUIRE_URL ?? "http://127.0.0.1:8080";
const started = Date.now();

// A clear message before Astro's stack traces when quire cannot be reached at all.
try {
  const r = await fetch(new URL("/readyz", quire));
  if (!r.ok) fail(`quire at ${quire} is not ready (GET /readyz answered ${r.status})`);
} catch (e) {
  fail(`quire cannot be reached at ${quire} (${e.cause?.code ?? e.message}); start it (\`quire serve --demo\`) or set QUIRE_URL`);
}

const builds = join(root, "builds");
mkdirSync(builds, { recursive: true });
const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
const out = join(builds, name);
const astro = spawnSync(process.execPath, [join(root, "node_modules/astro/astro.js"), "build", "--silent"], {
  cwd: root,
  env: { ASTRO_TELEMETRY_DISABLED: "1", ...process.env, QUIRE_URL: quire, BLOG_OUT_DIR: out },
  stdio: "inherit",
});
if (astro.status !== 0) {
  rmSync(out, { recursive: true, force: true });
  fail(`astro build failed (exit ${astro.status}); the published site (dist) is unchanged`);
}
if (!existsSync(join(out, "index.html"))) {
  rmSync(out, { recursive: true, force: true });
  fail("the build wrote no index.html; the published site (dist) is unchanged");
}

// Publish: dist → builds/{name}, atomically; then drop all but the two newest builds.
const link = join(root, "dist");
if (existsSync(link) && !lstatSync(link).isSymbolicLink()) rmSync(link, { recursive: true });
const tmp = join(root, `dist.${process.pid}`);
symlinkSync(join("builds", name), tmp);
renameSync(tmp, link);
for (const old of readdirSync(builds).sort().slice(0, -2)) {
  rmSync(join(builds, old), { recursive: true, force: true });
}
console.log(`built ${name} from ${quire} in ${Date.now() - started} ms`);

function fail(message) {
  console.error(`blog build failed: ${message}`);
  process.exit(1);
}
