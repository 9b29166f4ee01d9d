//! The host's error type: one opaque [`Error`] with a stable [`ErrorKind`].
//!
//! The first five kinds are the plugin's own failures (the WIT
//! `error-code`), passed through unchanged; the rest are the host's:
//! what happened to the guest, or to the host's use of it.

use std::fmt;

use leakguard::ErrorCode;

/// Why a call (or loading a plugin) failed.
///
/// The wire names ([`ErrorKind::as_str`]) are the ones every leakguard host
/// uses: `unknown-action`, ..., `trap`, `timeout`, `bad-plugin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The plugin has no action of that name.
    UnknownAction,
    /// The data is not well-formed JSON.
    Malformed,
    /// Well-formed JSON of the wrong shape, or a value the action refuses.
    BadRequest,
    /// The input or the reply exceeds a size limit; the message names it.
    TooLarge,
    /// The plugin failed in a way the caller could not have prevented.
    Internal,
    /// The guest crashed (a panic, an out-of-bounds access, ...). The
    /// instance was thrown away; the next call gets a fresh one.
    Trap,
    /// The call's deadline passed before the guest returned.
    Timeout,
    /// The call was cancelled through its [`crate::CancelToken`].
    Cancelled,
    /// The guest tried to grow its memory beyond the configured limit.
    MemoryLimit,
    /// The plugin was closed.
    Closed,
    /// The file is not a usable leakguard plugin: not wasm, missing
    /// exports, an unsupported protocol version, a broken self-description.
    BadPlugin,
}

impl ErrorKind {
    /// The kind's wire name, e.g. `bad-request` or `memory-limit`.
    pub fn as_str(self) -> &'static str {
        if let Some(code) = self.plugin_code() {
            // The plugin's own kinds are named once, by the core.
            return code.as_str();
        }
        match self {
            ErrorKind::Trap => "trap",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::MemoryLimit => "memory-limit",
            ErrorKind::Closed => "closed",
            ErrorKind::BadPlugin => "bad-plugin",
            ErrorKind::UnknownAction
            | ErrorKind::Malformed
            | ErrorKind::BadRequest
            | ErrorKind::TooLarge
            | ErrorKind::Internal => unreachable!("plugin kinds are named by plugin_code"),
        }
    }

    /// The JSON-RPC 2.0 error code used when this failure is answered on the
    /// JSON-RPC dialect of the event loop.
    ///
    /// The plugin's own kinds use the core's mapping (JSON-RPC's reserved
    /// codes where the meaning matches); the host's kinds take codes from
    /// the implementation-defined server range, -32010 and down.
    pub fn jsonrpc_code(self) -> i32 {
        match self.plugin_code() {
            Some(code) => code.jsonrpc_code(),
            None => match self {
                ErrorKind::Trap => -32010,
                ErrorKind::Timeout => -32011,
                ErrorKind::Cancelled => -32012,
                ErrorKind::MemoryLimit => -32013,
                ErrorKind::Closed => -32014,
                _ => -32015, // BadPlugin
            },
        }
    }

    /// The plugin's [`ErrorCode`] for the kinds that come from the plugin,
    /// `None` for the host's own.
    pub fn plugin_code(self) -> Option<ErrorCode> {
        Some(match self {
            ErrorKind::UnknownAction => ErrorCode::UnknownAction,
            ErrorKind::Malformed => ErrorCode::Malformed,
            ErrorKind::BadRequest => ErrorCode::BadRequest,
            ErrorKind::TooLarge => ErrorCode::TooLarge,
            ErrorKind::Internal => ErrorCode::Internal,
            _ => return None,
        })
    }
}

impl From<ErrorCode> for ErrorKind {
    fn from(code: ErrorCode) -> ErrorKind {
        match code {
            ErrorCode::UnknownAction => ErrorKind::UnknownAction,
            ErrorCode::Malformed => ErrorKind::Malformed,
            ErrorCode::BadRequest => ErrorKind::BadRequest,
            ErrorCode::TooLarge => ErrorKind::TooLarge,
            ErrorCode::Internal => ErrorKind::Internal,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failed call or load: a [`kind`](Error::kind) for programs, a
/// [`message`](Error::message) for people, and the underlying cause (a
/// wasmtime trap, an I/O error) as [`source`](std::error::Error::source).
///
/// `Display` prints `<kind>: <message>`, the form the CLI shows.
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Source>,
}

impl Error {
    /// An error of `kind` with `message` and no underlying cause.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error of `kind` caused by `source`.
    pub(crate) fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl Into<Source>,
    ) -> Error {
        Error {
            kind,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A [`ErrorKind::TooLarge`] error worded as the plugin words its own,
    /// so that a limit enforced by the host reads the same as one enforced
    /// by the guest.
    #[cfg(feature = "runtime")]
    pub(crate) fn too_large(what: &str, got: usize, limit: usize) -> Error {
        let f = leakguard::Failure::too_large(what, got, limit);
        Error::new(ErrorKind::TooLarge, f.message())
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message: what went wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(source) = &self.source {
            d.field("source", &format_args!("{source}"));
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The event loop writes host errors with their own codes beside the
/// plugin's.
impl leakguard::events::EventError for Error {
    fn code(&self) -> &str {
        self.kind.as_str()
    }

    fn jsonrpc_code(&self) -> i32 {
        self.kind.jsonrpc_code()
    }

    fn message(&self) -> &str {
        &self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_kinds_round_trip_through_the_core_codes() {
        let codes = [
            ErrorCode::UnknownAction,
            ErrorCode::Malformed,
            ErrorCode::BadRequest,
            ErrorCode::TooLarge,
            ErrorCode::Internal,
        ];
        for code in codes {
            let kind = ErrorKind::from(code);
            assert_eq!(kind.as_str(), code.as_str());
            assert_eq!(kind.plugin_code(), Some(code));
            assert_eq!(kind.jsonrpc_code(), code.jsonrpc_code());
        }
    }

    #[test]
    fn host_kinds_have_distinct_names_and_rpc_codes() {
        let host = [
            (ErrorKind::Trap, "trap"),
            (ErrorKind::Timeout, "timeout"),
            (ErrorKind::Cancelled, "cancelled"),
            (ErrorKind::MemoryLimit, "memory-limit"),
            (ErrorKind::Closed, "closed"),
            (ErrorKind::BadPlugin, "bad-plugin"),
        ];
        let mut rpc = std::collections::HashSet::new();
        for (kind, name) in host {
            assert_eq!(kind.as_str(), name);
            assert_eq!(kind.plugin_code(), None);
            assert!(rpc.insert(kind.jsonrpc_code()), "{kind} reuses a code");
            assert!((-32099..=-32000).contains(&kind.jsonrpc_code()));
        }
    }

    #[test]
    fn display_and_source() {
        let io = std::io::Error::other("disk on fire");
        let err = Error::with_source(ErrorKind::BadPlugin, "cannot read x.wasm", io);
        assert_eq!(err.to_string(), "bad-plugin: cannot read x.wasm");
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(source.to_string(), "disk on fire");
        assert!(std::error::Error::source(&Error::new(ErrorKind::Closed, "closed")).is_none());
    }
}
