//! The WIT glue: the only module that knows the core runs as wasm.
//!
//! `wit_bindgen::generate!` turns `wit/action.wit` into the canonical-ABI
//! exports (`leakguard:plugin/action@0.1.0#call`, `cabi_realloc`,
//! `cabi_post_...`) and embeds the WIT in the module's `component-type`
//! custom section, so the same core module can be wrapped as a component.
//! Beside them the module exports `_start`, the stdio event loop / CLI that
//! `wasmtime run dist/leakguard.wasm` runs. Embedding hosts must not run
//! `_start` on instantiation.

use crate::protocol::{ErrorCode, Failure};
use crate::router::Router;

wit_bindgen::generate!({
    path: "wit",
    world: "plugin",
});

use exports::leakguard::plugin::action::{self as wit, Guest};

struct Core;

impl Guest for Core {
    fn call(name: String, data: String) -> Result<String, wit::Failure> {
        crate::install_panic_hook();
        Router::global().call(&name, &data).map_err(to_wit)
    }

    fn describe() -> String {
        crate::install_panic_hook();
        Router::global().describe()
    }
}

fn to_wit(f: Failure) -> wit::Failure {
    let code = match f.code() {
        ErrorCode::UnknownAction => wit::ErrorCode::UnknownAction,
        ErrorCode::Malformed => wit::ErrorCode::Malformed,
        ErrorCode::BadRequest => wit::ErrorCode::BadRequest,
        ErrorCode::TooLarge => wit::ErrorCode::TooLarge,
        ErrorCode::Internal => wit::ErrorCode::Internal,
    };
    wit::Failure {
        code,
        message: f.message().to_owned(),
    }
}

export!(Core);

/// The command-line entry point: `wasmtime run dist/leakguard.wasm [args]`.
///
/// # Safety
///
/// Exported to the wasm host under the WASI command name; called once by a
/// host that runs the module as a program, never by embedders. It touches
/// no raw memory itself.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    crate::install_panic_hook();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = crate::cli::main(&args);
    std::process::exit(code);
}
