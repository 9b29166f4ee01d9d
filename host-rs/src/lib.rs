//! The reference Rust host for leakguard plugins, on wasmtime's component
//! model.
//!
//! A plugin exports one door, `call(name, data)`, and its self-description
//! (`wit/action.wit`, world `plugin`). This crate loads it (the component
//! `dist/leakguard.component.wasm`, or the core module `dist/leakguard.wasm`,
//! which it wraps as a component), checks it, and runs it from any number of
//! threads through a bounded pool of instances:
//!
//! ```no_run
//! use std::time::Duration;
//! use leakguard_host::{CallOptions, Config, ErrorKind, Plugin};
//!
//! let config = Config::new().pool_size(4).memory_limit(128 << 20);
//! let plugin = Plugin::from_file("dist/leakguard.component.wasm", &config)?;
//! assert_eq!(plugin.describe().protocol(), "1.0");
//!
//! let reply = plugin.call("ping", r#"{"echo":"hi"}"#)?;
//! assert_eq!(reply, r#"{"pong":true,"echo":"hi"}"#);
//!
//! let options = CallOptions::new().timeout(Duration::from_millis(100));
//! match plugin.call_with("no-such-action", "{}", &options) {
//!     Err(e) if e.kind() == ErrorKind::UnknownAction => {}
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), leakguard_host::Error>(())
//! ```
//!
//! What the host guarantees, whatever the guest does:
//!
//! * a per-call deadline and cancellation ([`CallOptions`]), enforced by
//!   wasmtime's epoch interruption: a looping guest is stopped;
//! * a memory limit per instance, enforced by a resource limiter;
//! * input and reply size limits;
//! * a trap never takes the host down: the caller gets
//!   [`ErrorKind::Trap`] with the guest's panic message, the instance is
//!   dropped and the next call gets a fresh one;
//! * the guest gets no files, network, environment or arguments; its stdout
//!   and stderr go to [`Config::guest_output`] (by default the `log` crate);
//! * plugins that lack the exports or speak another protocol major version
//!   are refused at load time with [`ErrorKind::BadPlugin`].
//!
//! Errors carry a [`ErrorKind`] whose wire names (`unknown-action`, ...,
//! `timeout`, `bad-plugin`) are the same in every leakguard host. On the
//! JSON-RPC dialect of [`Plugin::serve_events`] the host's own kinds use
//! codes from the server range: trap -32010, timeout -32011, cancelled
//! -32012, memory-limit -32013, closed -32014, bad-plugin -32015.
//!
//! Without its default `runtime` feature the crate is only the error type
//! and [`componentize`], for build tools that must not compile wasmtime.

#![deny(missing_docs)]

#[cfg(feature = "runtime")]
mod cache;
pub mod componentize;
#[cfg(feature = "runtime")]
mod config;
mod describe;
mod error;
#[cfg(feature = "runtime")]
mod output;
#[cfg(feature = "runtime")]
mod plugin;

#[cfg(feature = "runtime")]
pub use config::{
    Config, DEFAULT_MAX_OUTPUT, DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, GuestOutput, GuestStream,
};
pub use describe::{ActionInfo, Description, PROTOCOL_MAJOR};
pub use error::{Error, ErrorKind};
#[cfg(feature = "runtime")]
pub use plugin::{CallOptions, CancelToken, Plugin};
