#!/usr/bin/env bash
# Builds quire's image from the top-level Dockerfile, and local stand-ins for the base and
# service images compose.yaml names, on a machine that reaches Debian's mirror, crates.io
# and PyPI but no container registry: a Debian root file system made by debootstrap is
# imported as localhost/debian:bookworm, and every other image starts from it.
#
#   deploy/offline/build-images.sh [bases|quire|all]     (as root, with podman, runc and
#                                                         debootstrap; default: all)
#   QUIRE_PREBUILT=target/release/quire deploy/offline/build-images.sh
#                           (the quire image from a binary built beforehand, not in a container)
#
# bases: localhost/debian:bookworm, localhost/quire-runtime:bookworm (a distroless
# stand-in: glibc, libgcc, CA certificates and user 65532, nothing else),
# localhost/quire-rust:1.95, localhost/quire-postgres, localhost/quire-haproxy and
# localhost/quire-s3 (moto); each is built only when missing.
# quire: $QUIRE_IMAGE (default localhost/quire:latest), always rebuilt: the Dockerfile with
# RUST_IMAGE=localhost/quire-rust:1.95 and RUNTIME_IMAGE=localhost/quire-runtime:bookworm,
# or, with QUIRE_PREBUILT, offline/prebuilt.Containerfile (the Dockerfile's last stage)
# over that binary, stripped. Both in Docker's image format, which keeps HEALTHCHECK (OCI's
# has no such field; podman drops it with a warning).
#
# Building the bases holds a lock (/run/lock/quire-build-images.lock), so a second run (the stack
# test while .ci/run builds them in the background) waits for the first, then finds them.
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"
case "$what" in bases | quire | all) ;; *) echo "usage: $0 [bases|quire|all]" >&2; exit 2 ;; esac
work="${QUIRE_OFFLINE_WORK:-/var/tmp/quire-offline}"
image="${QUIRE_IMAGE:-localhost/quire:latest}"
export CONTAINERS_CONF="$PWD/deploy/offline/containers.conf"
podman() { command podman --storage-driver=vfs "$@"; }
have() { podman image exists "$1"; }
t0=$SECONDS
step() { printf '[build-images %4ds] %s\n' "$((SECONDS - t0))" "$*"; }
# Runs a command with its output in $work/NAME.log, shown (the end of it) when it fails.
logged() {
  local log="$work/$1.log"
  shift
  "$@" > "$log" 2>&1 || { tail -30 "$log" >&2; echo "failed: $* (whole output: $log)" >&2; exit 1; }
}
mkdir -p "$work"
# Behind a TLS-inspecting proxy, builds that fetch from crates.io or PyPI trust the host's
# CA bundle.
host_ca=(-v /etc/ssl/certs/ca-certificates.crt:/host-ca.crt:ro)

bases() {
  # One lock for the machine: the images live in its one podman storage.
  exec 9> /run/lock/quire-build-images.lock
  flock 9
  if ! have localhost/debian:bookworm; then
    if [ ! -f "$work/rootfs/etc/debian_version" ]; then
      step "debootstrap (minbase bookworm)"
      rm -rf "$work/rootfs.partial"
      logged debootstrap debootstrap --variant=minbase bookworm "$work/rootfs.partial" http://deb.debian.org/debian
      rm -rf "$work/rootfs" && mv "$work/rootfs.partial" "$work/rootfs"
    fi
    step "localhost/debian:bookworm"
    tar -C "$work/rootfs" -c . | podman import -q - localhost/debian:bookworm > /dev/null
  fi

  if ! have localhost/quire-runtime:bookworm; then
    step "localhost/quire-runtime:bookworm"
    rt="$work/runtime"
    rm -rf "$rt" && mkdir -p "$rt"/{lib/x86_64-linux-gnu,lib64,etc/ssl/certs,tmp,home/nonroot,usr/local/bin}
    for lib in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libgcc_s.so.1 libdl.so.2 libpthread.so.0 librt.so.1; do
      cp -L "$work/rootfs/lib/x86_64-linux-gnu/$lib" "$rt/lib/x86_64-linux-gnu/"
    done
    ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rt/lib64/ld-linux-x86-64.so.2"
    logged runtime podman run --rm -v "$rt/etc/ssl/certs:/out" localhost/debian:bookworm sh -c \
      'apt-get update -q >/dev/null && apt-get install -y -q ca-certificates >/dev/null && cp /etc/ssl/certs/ca-certificates.crt /out/'
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rt/etc/passwd"
    printf 'root:x:0:\nnonroot:x:65532:\n' > "$rt/etc/group"
    chmod 1777 "$rt/tmp" && chown 65532:65532 "$rt/home/nonroot"
    tar -C "$rt" -c . | podman import -q -c 'USER 65532:65532' - localhost/quire-runtime:bookworm > /dev/null
  fi

  if ! have localhost/quire-rust:1.95; then
    step "localhost/quire-rust:1.95"
    logged rust podman build -t localhost/quire-rust:1.95 -f deploy/offline/rust.Containerfile \
      -v "$(rustc --print sysroot):/toolchain:ro" "${host_ca[@]}" deploy/offline
  fi
  for svc in postgres haproxy s3; do
    if ! have "localhost/quire-$svc:latest"; then
      step "localhost/quire-$svc:latest"
      logged "$svc" podman build -t "localhost/quire-$svc:latest" -f "deploy/offline/$svc.Containerfile" \
        "${host_ca[@]}" deploy/offline
    fi
  done
}

quire() {
  local old
  old="$(podman image inspect --format '{{.Id}}' "$image" 2> /dev/null || true)"
  if [ -n "${QUIRE_PREBUILT:-}" ]; then
    # A binary built on this (Debian 12) host, stripped, under the Dockerfile's last stage.
    step "$image from $QUIRE_PREBUILT"
    ctx="$(mktemp -d "$work/prebuilt.XXXXXX")" && mkdir -p "$ctx/bin" "$ctx/data"
    strip -o "$ctx/bin/quire" "$QUIRE_PREBUILT"
    logged prebuilt podman build --format docker -t "$image" -f deploy/offline/prebuilt.Containerfile "$ctx"
    rm -rf "$ctx"
  else
    # vfs storage copies the whole file system for each layer: no intermediate layers.
    step "$image from the Dockerfile (cargo build --release in localhost/quire-rust)"
    podman build --format docker --layers=false -t "$image" \
      --build-arg RUST_IMAGE=localhost/quire-rust:1.95 \
      --build-arg RUNTIME_IMAGE=localhost/quire-runtime:bookworm .
  fi
  # The image this one replaced, untagged now: removed unless a container still uses it.
  if [ -n "$old" ] && [ "$old" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
    podman rmi "$old" > /dev/null 2>&1 || true
  fi
}

case "$what" in
  bases) bases ;;
  quire) quire ;;
  all) bases && quire ;;
esac
step "done"
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^localhost/' || true
