#!/usr/bin/env bash
# The scan and CLI benchmarks, every step in one run (see BENCHMARKS.md):
#
#   tests/bench/run.sh full    what `just bench` runs: the Go sources under
#                              $(go env GOROOT)/src, medians of 3 runs
#   tests/bench/run.sh smoke   what `just bench-smoke` runs in CI: a small
#                              corpus, every measurement once, so none rots
#
# Needs `just build` first (dist/leakguard.wasm and its component, and the
# module embedded in host-go).
set -euo pipefail

mode=${1:?usage: run.sh full|smoke}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$root/target/bench-corpus/$mode
work=$root/target/bench
results=$work/results/$mode
bin=$work/bin
mkdir -p "$results" "$bin"

cd "$root/tests/bench"
# The gitleaks release is the one this module requires; its default rule
# file is read from the module cache, never copied into the repository.
go mod download github.com/zricethezav/gitleaks/v8
version=$(go list -m -f '{{.Version}}' github.com/zricethezav/gitleaks/v8)
gitleaks_dir=$(go list -m -f '{{.Dir}}' github.com/zricethezav/gitleaks/v8)
if ! "$bin/gitleaks" version 2>/dev/null | grep -qF "${version#v}"; then
    GOBIN=$bin go install "github.com/zricethezav/gitleaks/v8@$version"
fi
(cd "$root/host-go" && go build -o "$bin/leakguard" ./cmd/leakguard)

go_src=$(go env GOROOT)/src
if [ "$mode" = smoke ]; then
    go_src=$go_src/encoding/json
fi

cd "$root"
cargo bench -q -p leakguard --bench scan -- prepare --mode "$mode" --out "$corpus" \
    --go-src "$go_src" --gitleaks-config "$gitleaks_dir/config/gitleaks.toml" --gitleaks-version "$version"
cargo bench -q -p leakguard --bench scan -- run --manifest "$corpus/manifest.json" --results "$results/native.json"
cargo bench -q -p leakguard-host --profile host --bench scan -- run --manifest "$corpus/manifest.json" \
    --results "$results/wasmtime.json" --module "$root/dist/leakguard.component.wasm"
cd "$root/tests/bench"
go run . -manifest "$corpus/manifest.json" -results "$results" -module "$root/dist/leakguard.wasm" \
    -leakguard "$bin/leakguard" -gitleaks "$bin/gitleaks" -report "$work/report-$mode.md"
