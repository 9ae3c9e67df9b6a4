# syntax=docker/dockerfile:1
# quire's image: the `quire` binary (stripped) on a distroless base that holds glibc, CA
# certificates and an unprivileged user, and no shell or package manager. It runs as
# that user (65532), listens on 0.0.0.0:8080 and keeps SQLite data in /data.
#
#   docker build -t quire .            (or podman build)
#   docker run -p 8080:8080 -v quire-data:/data quire serve --demo
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://user@db/quire quire
#
# deploy/compose.yaml runs two of it behind HAProxy on PostgreSQL with S3 media. The base
# images are build arguments, for machines that cannot reach Docker Hub or gcr.io (see
# deploy/README.md).
ARG RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${RUST_IMAGE} AS build
# The slim Rust image has gcc but not make, which jemalloc's build script runs.
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CARGO_PROFILE_RELEASE_STRIP=symbols
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p quire-api --bin quire \
 && cp target/release/quire /quire \
 && mkdir -p /data

FROM ${RUNTIME_IMAGE}
COPY --from=build /quire /usr/local/bin/quire
COPY --from=build --chown=65532:65532 /data /data
USER 65532:65532
ENV QUIRE_DATA_DIR=/data \
    QUIRE_BIND=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
# Readiness (database reachable, migrations applied), without curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["quire", "probe"]
ENTRYPOINT ["quire"]
CMD ["serve"]
