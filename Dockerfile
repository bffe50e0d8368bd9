# The greeter service (examples/greeter.rs) as a container image: built in the Rust image,
# run from a distroless image (glibc and libgcc only: no shell, no package manager) as a
# non-root user. docs/deploy.md, "Containers and Knative", shows how to run it.
#
#   docker build -t statefun-greeter .
#   docker run --rm -p 8080:8080 statefun-greeter          # POST http://localhost:8080/statefun
#
# `--build-arg EXAMPLE=e2e_functions` packages the function service of the end-to-end suite
# instead, built the same way (`cargo build --release --example`).

# The toolchain of rust-toolchain.toml, which rustup in this image installs on first use.
FROM rust:1.95-bookworm AS build
ARG EXAMPLE=greeter
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --example "$EXAMPLE" \
 && cp "target/release/examples/$EXAMPLE" /service

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /service /service
# Knative sets PORT itself; HOST must be every interface inside a container.
ENV HOST=0.0.0.0 PORT=8080 RUST_LOG=info
EXPOSE 8080
USER nonroot:nonroot
# SIGTERM (docker stop, Kubernetes, Knative scale-down) stops the service gracefully:
# batches in flight are answered first.
ENTRYPOINT ["/service"]
