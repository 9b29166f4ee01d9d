//! The conformance cases through the Rust host: the component, and the core
//! module wrapped at load time. Replies, codes and messages must be
//! byte-identical to the native core's (`tests/conformance.rs`).

mod common;

use leakguard_host::{Config, Plugin};

fn run_cases(plugin: &Plugin) {
    let cases = common::cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = plugin.call(&case.action, case.data());
            let got = got.as_deref().map_err(|e| (e.kind().as_str(), e.message()));
            case.check(got).err()
        })
        .collect();
    common::assert_all_passed(&failures, cases.len());
}

#[test]
fn conformance_component() {
    let plugin = common::load("leakguard.component.wasm", Config::new()).unwrap();
    run_cases(&plugin);
}

#[test]
fn conformance_core_module_wrapped_at_load() {
    let plugin = common::load("leakguard.wasm", Config::new()).unwrap();
    run_cases(&plugin);
}

#[test]
fn describe_matches_the_native_core() {
    let plugin = common::load("leakguard.component.wasm", Config::new()).unwrap();
    assert_eq!(plugin.describe().json(), leakguard::describe());
    assert_eq!(plugin.describe().protocol(), leakguard::PROTOCOL_VERSION);
    assert_eq!(plugin.describe().name(), "leakguard");
    let names: Vec<&str> = plugin
        .describe()
        .actions()
        .iter()
        .map(|a| a.name())
        .collect();
    let native: Vec<&str> = leakguard::Router::global().names().collect();
    assert_eq!(names, native);
}
