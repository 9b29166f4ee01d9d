#!/usr/bin/env bash
# Rebuild leakguard.wasm beside this script from the repository's Rust
# sources (`just build` copies dist/leakguard.wasm here).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec just build
