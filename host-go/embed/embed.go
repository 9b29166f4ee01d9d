// Package embed carries the leakguard core, the WebAssembly module built
// from the Rust sources of this repository, so that a Go program needs no
// Rust toolchain: load Binary with package plugin or, better, use the
// leakguard package, which does.
//
// The module is rebuilt by build.sh (`just build` at the repository root),
// and CI fails if the committed file differs from what the sources build.
package embed

import _ "embed" // for the go:embed directive below

// Binary is the leakguard core module (wasm32-wasip1, with SIMD), as
// `just build` leaves it in dist/leakguard.wasm. Treat it as read-only.
//
//go:embed leakguard.wasm
var Binary []byte
