//! Wrapping a core module as a component.
//!
//! The core is built as a `wasm32-wasip1` core module that carries its WIT
//! in a `component-type` custom section. wasmtime's component model needs a
//! component, so the module is wrapped with wit-component, and its WASI
//! preview 1 imports are adapted to preview 2 by the reactor adapter that
//! ships with the matching wasmtime release. `just build` does this once
//! (through xtask) for `dist/leakguard.component.wasm`; the host does it at
//! load time when it is handed the core module itself.

use wit_component::ComponentEncoder;

use crate::error::{Error, ErrorKind};

/// The first eight bytes of a core module: magic and version 1.
const CORE_MODULE_HEADER: [u8; 8] = *b"\0asm\x01\0\0\0";

/// True when `bytes` start like a core wasm module (rather than a component
/// or something else).
pub fn is_core_module(bytes: &[u8]) -> bool {
    bytes.starts_with(&CORE_MODULE_HEADER)
}

/// Wrap the core module `module` as a component.
///
/// # Errors
///
/// [`ErrorKind::BadPlugin`] when `module` is not a core module, carries no
/// `component-type` section, or does not have the exports its WIT world
/// promises.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, Error> {
    if !is_core_module(module) {
        return Err(Error::new(
            ErrorKind::BadPlugin,
            "not a core wasm module (wrong header)",
        ));
    }
    let adapter = wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER;
    ComponentEncoder::default()
        .module(module)
        .map_err(bad_plugin("reading the module's component-type section"))?
        .adapter("wasi_snapshot_preview1", adapter)
        .map_err(bad_plugin("loading the WASI preview 1 reactor adapter"))?
        .validate(true)
        .encode()
        .map_err(bad_plugin("wrapping the module as a component"))
}

/// A [`ErrorKind::BadPlugin`] error saying what failed, with wit-component's
/// whole chain of reasons (its errors are `anyhow` errors).
fn bad_plugin<E>(what: &'static str) -> impl FnOnce(E) -> Error
where
    E: std::fmt::Display + Into<Box<dyn std::error::Error + Send + Sync>>,
{
    move |e| Error::with_source(ErrorKind::BadPlugin, format!("{what}: {e:#}"), e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_core_module() {
        // (A valid module without a component-type section becomes a
        // component without exports, which `Plugin::new` refuses.)
        let cases: &[(&str, &[u8])] = &[
            ("empty input", b""),
            ("text", b"hello"),
            ("a component header", b"\0asm\x0d\0\x01\0"),
            ("a truncated module", b"\0asm\x01\0\0\0\x01"),
        ];
        for (what, bytes) in cases {
            let err = componentize(bytes).expect_err(what);
            assert_eq!(err.kind(), ErrorKind::BadPlugin, "{what}: {err}");
        }
    }

    #[test]
    fn recognises_core_module_headers() {
        assert!(is_core_module(&wat::parse_str("(module)").unwrap()));
        assert!(!is_core_module(b"\0asm\x0d\0\x01\0"));
        assert!(!is_core_module(b"\0asm"));
    }
}
