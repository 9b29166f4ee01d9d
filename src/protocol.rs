//! Protocol types shared by every host: error codes, failures, and the
//! protocol's version.
//!
//! These mirror `wit/action.wit`. The WIT glue in [`crate::boundary`]
//! converts between them and the generated bindings; nothing here knows
//! about wasm.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The protocol version published by `describe`. Hosts refuse a plugin whose
/// major version differs from theirs.
pub const PROTOCOL_VERSION: &str = "1.0";

/// The largest `data` document the core accepts, in bytes (16 MiB).
///
/// Larger input is refused with [`ErrorCode::TooLarge`] before it is parsed,
/// so an oversized request costs one length check, not a parse.
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// Why an action failed: stable, and mirrored by every host.
///
/// Serialised in kebab-case (`unknown-action`), exactly as in the WIT enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// No action of that name is registered.
    UnknownAction,
    /// The data is not well-formed JSON.
    Malformed,
    /// Well-formed JSON of the wrong shape, or a value the action refuses.
    BadRequest,
    /// The input exceeds a size limit.
    TooLarge,
    /// The plugin failed in a way the caller could not have prevented.
    Internal,
}

impl ErrorCode {
    /// The code's wire name, as in the WIT enum (`bad-request`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnknownAction => "unknown-action",
            ErrorCode::Malformed => "malformed",
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::TooLarge => "too-large",
            ErrorCode::Internal => "internal",
        }
    }

    /// The JSON-RPC 2.0 error code that corresponds to this failure.
    ///
    /// The reserved codes are used where JSON-RPC defines the meaning;
    /// `too-large` has none, so it takes one from the server range.
    pub fn jsonrpc_code(self) -> i32 {
        match self {
            ErrorCode::Malformed => -32700,
            ErrorCode::UnknownAction => -32601,
            ErrorCode::BadRequest => -32602,
            ErrorCode::Internal => -32603,
            ErrorCode::TooLarge => -32001,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed failure: a stable [`ErrorCode`] for programs and a message for
/// people that names what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A [`ErrorCode::BadRequest`] failure.
    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::BadRequest, message)
    }

    /// A [`ErrorCode::Internal`] failure.
    pub fn internal(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::Internal, message)
    }

    /// A [`ErrorCode::TooLarge`] failure naming what was measured and its limit.
    pub fn too_large(what: &str, got: usize, limit: usize) -> Failure {
        Failure::new(
            ErrorCode::TooLarge,
            format!("{what} is {got} bytes; the limit is {limit} bytes"),
        )
    }

    /// What kind of failure this is.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_in_the_wit() {
        let cases = [
            (ErrorCode::UnknownAction, "unknown-action"),
            (ErrorCode::Malformed, "malformed"),
            (ErrorCode::BadRequest, "bad-request"),
            (ErrorCode::TooLarge, "too-large"),
            (ErrorCode::Internal, "internal"),
        ];
        for (code, want) in cases {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{want}\""));
            assert_eq!(code.as_str(), want);
        }
    }
}
