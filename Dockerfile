# syntax=docker/dockerfile:1
# Build: docker build -t quire .
# Run:   docker run -p 8080:8080 -v quire-data:/data quire serve --demo
#        (DATABASE_URL=postgres://… overrides the SQLite file in /data)

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p quire-api --bin quire

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin quire \
 && mkdir -p /data && chown quire:quire /data
COPY --from=build /src/target/release/quire /usr/local/bin/quire
USER quire
ENV QUIRE_DATA_DIR=/data \
    QUIRE_BIND=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["quire"]
CMD ["serve"]
