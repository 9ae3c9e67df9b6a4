#!/usr/bin/env bash
# Builds quire's image from the top-level Dockerfile, and local stand-ins for the base and
# service images compose.yaml names, on a machine that reaches Debian's mirror, crates.io
# and PyPI but no container registry: a Debian root file system made by debootstrap is
# imported as localhost/debian:bookworm, and every other image starts from it.
#
#   deploy/offline/build-images.sh          (as root, with podman, runc and debootstrap)
#   QUIRE_PREBUILT=target/release/quire deploy/offline/build-images.sh
#                                           (the binary built beforehand, not in a container)
#
# Images: localhost/quire:latest (the Dockerfile with RUST_IMAGE=localhost/quire-rust
# and RUNTIME_IMAGE=localhost/quire-runtime, a distroless stand-in: glibc, libgcc, CA
# certificates and user 65532, nothing else), localhost/quire-postgres, localhost/quire-haproxy,
# localhost/quire-s3 (moto).
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${QUIRE_OFFLINE_WORK:-/var/tmp/quire-offline}"
export CONTAINERS_CONF="$PWD/deploy/offline/containers.conf"
podman() { command podman --storage-driver=vfs "$@"; }
have() { podman image exists "$1"; }
mkdir -p "$work"
# Behind a TLS-inspecting proxy, builds that fetch from crates.io or PyPI trust the host's
# CA bundle.
host_ca=(-v /etc/ssl/certs/ca-certificates.crt:/host-ca.crt:ro)

if ! have localhost/debian:bookworm; then
  [ -d "$work/rootfs" ] || debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian
  tar -C "$work/rootfs" -c . | podman import - localhost/debian:bookworm
fi

if ! have localhost/quire-runtime:bookworm; then
  rt="$work/runtime"
  rm -rf "$rt" && mkdir -p "$rt"/{lib/x86_64-linux-gnu,lib64,etc/ssl/certs,tmp,home/nonroot,usr/local/bin}
  for lib in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libgcc_s.so.1 libdl.so.2 libpthread.so.0 librt.so.1; do
    cp -L "$work/rootfs/lib/x86_64-linux-gnu/$lib" "$rt/lib/x86_64-linux-gnu/"
  done
  ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rt/lib64/ld-linux-x86-64.so.2"
  podman run --rm -v "$rt/etc/ssl/certs:/out" localhost/debian:bookworm sh -c \
    'apt-get update -q >/dev/null && apt-get install -y -q ca-certificates >/dev/null && cp /etc/ssl/certs/ca-certificates.crt /out/'
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rt/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$rt/etc/group"
  chmod 1777 "$rt/tmp" && chown 65532:65532 "$rt/home/nonroot"
  tar -C "$rt" -c . | podman import -c 'USER 65532:65532' - localhost/quire-runtime:bookworm
fi

if ! have localhost/quire-rust:1.95; then
  podman build -t localhost/quire-rust:1.95 -f deploy/offline/rust.Containerfile \
    -v "$(rustc --print sysroot):/toolchain:ro" "${host_ca[@]}" deploy/offline
fi
for svc in postgres haproxy s3; do
  have "localhost/quire-$svc:latest" ||
    podman build -t "localhost/quire-$svc:latest" -f "deploy/offline/$svc.Containerfile" \
      "${host_ca[@]}" deploy/offline
done

if [ -n "${QUIRE_PREBUILT:-}" ]; then
  # A release binary built on this (Debian 12) host, stripped, under the Dockerfile's
  # last stage.
  ctx="$work/prebuilt" && rm -rf "$ctx" && mkdir -p "$ctx/bin" "$ctx/data"
  strip -o "$ctx/bin/quire" "$QUIRE_PREBUILT"
  podman build -t localhost/quire:latest -f deploy/offline/prebuilt.Containerfile "$ctx"
else
  # vfs storage copies the whole file system for each layer: no intermediate layers.
  podman build --layers=false -t localhost/quire:latest \
    --build-arg RUST_IMAGE=localhost/quire-rust:1.95 \
    --build-arg RUNTIME_IMAGE=localhost/quire-runtime:bookworm .
fi
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^localhost/'
