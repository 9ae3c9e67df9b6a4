#!/usr/bin/env bash
# Brings deploy/compose.yaml up with podman-compose and the images of build-images.sh,
# checks it through HAProxy, and takes it down. Exits non-zero at the first failed check.
#   deploy/offline/stack-test.sh     (as root; after build-images.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="$PWD/deploy/offline/containers.conf"
export QUIRE_JWT_SECRET=offline-stack-test-secret-of-at-least-32-bytes
# compose.yaml as it is, with build-images.sh's images.
export QUIRE_IMAGE=localhost/quire:latest POSTGRES_IMAGE=localhost/quire-postgres:latest \
  MINIO_IMAGE=localhost/quire-s3:latest MC_IMAGE=localhost/quire-s3:latest \
  HAPROXY_IMAGE=localhost/quire-haproxy:latest
compose() {
  podman-compose --podman-args="--storage-driver=vfs" -p quire -f deploy/compose.yaml "$@"
}
podman() { command podman --storage-driver=vfs "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() { compose down -v > /dev/null 2>&1 || true; }
trap cleanup EXIT

lb=http://127.0.0.1:8080
query='query=%7B%20posts(first%3A%201)%20%7B%20totalCount%20%7D%20%7D'
compose up -d > /var/tmp/quire-stack-up.log 2>&1 || { cat /var/tmp/quire-stack-up.log; fail "compose up"; }

# HAProxy up, both servers UP by its /readyz checks.
for _ in $(seq 1 120); do
  stats="$(curl -fs "http://127.0.0.1:8404/stats;csv" || true)"
  [ "$(grep -c '^quire,quire[12],.*,UP,' <<< "$stats")" = 2 ] && break
  sleep 1
done
grep -q '^quire,quire1,.*,UP,' <<< "$stats" || fail "quire1 not UP: $stats"
grep -q '^quire,quire2,.*,UP,' <<< "$stats" || fail "quire2 not UP: $stats"
echo "ok: HAProxy sees quire1 and quire2 UP"

# Requests through HAProxy are answered by both servers.
served=""
for _ in 1 2 3 4; do
  served+="$(curl -fs -D - -o /dev/null "$lb/graphql?$query" | tr -d '\r' | sed -n 's/^x-served-by: //Ip')"$'\n'
done
[ "$(sort -u <<< "$served" | grep -c quire)" = 2 ] || fail "not spread: $served"
echo "ok: 4 requests answered by $(grep . <<< "$served" | sort | uniq -c | xargs)"

# The containers' own health check (quire probe) and user.
for c in quire_quire1_1 quire_quire2_1; do
  podman healthcheck run "$c" > /dev/null 2>&1 || podman exec "$c" quire probe > /dev/null ||
    fail "$c: quire probe failed"
  user="$(podman top "$c" user | tail -1 | tr -d ' ')"
  [ "$user" != root ] && [ "$user" != 0 ] || fail "$c runs as $user"
  echo "ok: $c ready by quire probe, runs as user $user"
done

# One server stopped: HAProxy's check takes it out, requests still succeed.
start=$(date +%s.%N)
podman stop -t 15 quire_quire1_1 > /dev/null
printf 'ok: quire1 stopped by SIGTERM in %.1f s, exit code %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" \
  "$(podman inspect --format '{{.State.ExitCode}}' quire_quire1_1)"
for _ in $(seq 1 30); do
  curl -fs "http://127.0.0.1:8404/stats;csv" | grep -q '^quire,quire1,.*,DOWN' && break
  sleep 1
done
curl -fs "http://127.0.0.1:8404/stats;csv" | grep -q '^quire,quire1,.*,DOWN' || fail "quire1 not DOWN"
for _ in 1 2 3 4; do
  by="$(curl -fs -D - -o /dev/null -w '%{http_code}' "$lb/graphql?$query" | tr -d '\r' | sed -n 's/^x-served-by: //Ip;$p')"
  [ "$by" = "quire2"$'\n'"200" ] || fail "with quire1 stopped: $by"
done
echo "ok: quire1 stopped, DOWN in HAProxy; 4 of 4 requests answered 200 by quire2"
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' localhost/quire:latest
