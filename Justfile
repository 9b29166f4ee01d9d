# leakguard tasks. `just --list` shows them all.
set shell := ["bash", "-euo", "pipefail", "-c"]

root := justfile_directory()
cargo_home := env_var_or_default("CARGO_HOME", env_var("HOME") / ".cargo")

# Reproducible wasm: SIMD on, and no machine-specific paths in the module,
# so that the module embedded in the Go package can be checked against a
# fresh build anywhere.
export CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS := "-C target-feature=+simd128 --remap-path-prefix=" + root + "=/leakguard --remap-path-prefix=" + cargo_home + "=/cargo"

default:
    @just --list

# Build the core module, its component, the hostile test module, and refresh the Go embeds.
build: build-wasm
    cp dist/leakguard.wasm host-go/embed/leakguard.wasm
    cp dist/leakguard-hostile.wasm host-go/plugin/testdata/hostile.wasm

# Build dist/leakguard.wasm, dist/leakguard.component.wasm and the hostile pair.
build-wasm:
    mkdir -p dist
    cargo build --release --target wasm32-wasip1 -p leakguard
    cargo build --release --target wasm32-wasip1 -p leakguard --features hostile --target-dir target/hostile
    cp target/wasm32-wasip1/release/leakguard.wasm dist/leakguard.wasm
    cp target/hostile/wasm32-wasip1/release/leakguard.wasm dist/leakguard-hostile.wasm
    cargo run -q --release -p xtask -- componentize dist/leakguard.wasm dist/leakguard.component.wasm
    cargo run -q --release -p xtask -- componentize dist/leakguard-hostile.wasm dist/leakguard-hostile.component.wasm
    @ls -l dist/*.wasm

# Fail if the modules committed for Go differ from what the sources build.
check-embedded: build
    git diff --exit-code --stat -- host-go/embed/leakguard.wasm host-go/plugin/testdata/hostile.wasm || { echo "the embedded wasm is stale: run 'just build' and commit it" >&2; exit 1; }

# Everything CI checks: lint, native, wasm, both hosts, conformance on all runners, benchmarks once.
test: build lint test-rust test-go test-cli test-agree check-embedded bench-smoke

# Native core tests, then the Rust host's (conformance through wasmtime, hostile guests, its CLI),
# the host in the `host` profile (see Cargo.toml) so that wasmtime is compiled once, without LTO.
test-rust: build-wasm
    cargo test --workspace --release --exclude leakguard-host
    cargo test -p leakguard-host --profile host

# The Go host and Go product tests, with the race detector.
test-go: build
    cd host-go && go vet ./... && go vet -tags agree ./cmd/leakguard && go test -race -count=1 ./...

# The module under the stock wasmtime CLI: conformance cases over its stdio loop, --invoke on the component.
test-cli: build-wasm
    cargo test -p leakguard-host --profile host --test wasmtime_cli

# The Go CLI, `leakguard-host scan` and `wasmtime run … scan` agree byte for byte on one generated tree.
test-agree: build
    cargo build -p leakguard-host --profile host
    cd host-go && LEAKGUARD_HOST_BIN='{{root}}/target/host/leakguard-host' LEAKGUARD_WASM='{{root}}/dist/leakguard.wasm' \
        go test -count=1 -tags agree -run TestCLIsAgree ./cmd/leakguard

# rustfmt, clippy (native and wasm) with -D warnings, gofmt and go vet.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --release -- -D warnings
    cargo clippy --release --target wasm32-wasip1 -p leakguard --features hostile -- -D warnings
    test -z "$(gofmt -l host-go)" || { gofmt -l host-go; exit 1; }

# Format Rust and Go sources.
fmt:
    cargo fmt --all
    gofmt -w host-go

# The benchmarks, with tables (see BENCHMARKS.md): the boundary, then scanning and the CLIs against gitleaks.
bench: build
    cd host-go && go run ./internal/benchboundary
    cargo bench -p leakguard-host --profile host --bench boundary
    bash tests/bench/run.sh full

# Every benchmark once, briefly, so none rots; speed is not judged here.
bench-smoke: build
    cd host-go && go test -run '^$' -bench . -benchtime 1x ./...
    cd host-go && go run ./internal/benchboundary -benchtime 100x -count 1
    cargo bench -p leakguard-host --profile host --bench boundary -- --test
    test -z "$(gofmt -l tests/bench)" || { gofmt -l tests/bench; exit 1; }
    cd tests/bench && go vet ./... && go test -count=1 ./...
    bash tests/bench/run.sh smoke

# Scan PATH with the Go CLI and the embedded default rules; exit status 0 clean, 1 findings, 2 error.
# (Built, not `go run`: go run turns every failing exit status into 1.)
scan PATH *ARGS: build
    cd host-go && go build -o ../target/go/leakguard ./cmd/leakguard
    cd '{{invocation_directory()}}' && '{{root}}/target/go/leakguard' scan {{ARGS}} -- '{{PATH}}'
