//! leakguard finds and redacts leaked secrets in text.
//!
//! This crate is the core. Compiled for `wasm32-wasip1` it is the portable
//! plugin module that every host loads; compiled natively it is an ordinary
//! library, used by the tests and benchmarks. Either way it has one door:
//! [`call`] runs an *action* by name on a JSON document and returns a JSON
//! document or a typed [`Failure`].
//!
//! ```
//! let reply = leakguard::call("ping", r#"{"echo":"hello"}"#).unwrap();
//! assert_eq!(reply, r#"{"pong":true,"echo":"hello"}"#);
//!
//! let err = leakguard::call("no-such-action", "{}").unwrap_err();
//! assert_eq!(err.code(), leakguard::ErrorCode::UnknownAction);
//! ```
//!
//! [`describe`] publishes the protocol version and every action with its
//! JSON Schemas; [`events`] carries actions as a stream of JSON lines with
//! correlation ids, which is what `wasmtime run dist/leakguard.wasm` serves.

#![deny(missing_docs)]

mod actions;
#[cfg(target_arch = "wasm32")]
mod boundary;
pub mod cli;
pub mod engine;
pub mod events;
pub mod protocol;
pub mod report;
mod router;
pub mod walk;

pub use protocol::{ErrorCode, Failure, MAX_INPUT_BYTES, PROTOCOL_VERSION};
pub use router::Router;

/// Run action `name` on `data` (JSON text); returns the reply (JSON text).
///
/// # Errors
///
/// A [`Failure`] whose [`ErrorCode`] says why: `unknown-action`,
/// `malformed` (not JSON), `bad-request` (wrong shape), `too-large`, or an
/// action's own failure.
pub fn call(name: &str, data: &str) -> Result<String, Failure> {
    Router::global().call(name, data)
}

/// The plugin's self-description as JSON text.
pub fn describe() -> String {
    Router::global().describe()
}

/// Make a panic print one recognisable line on stderr before the module
/// aborts, so that hosts can put the guest's own message in their `trap`
/// error: `leakguard: panic: <message> at <file>:<line>:<col>`.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic payload".to_owned()
            };
            let at = info
                .location()
                .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let message = message.replace('\n', " ");
            eprintln!("leakguard: panic: {message}{at}");
        }));
    });
}
