//! Guests that misbehave on purpose (`dist/leakguard-hostile.component.wasm`,
//! the core built with its `hostile` feature), bad plugins, and the pool
//! under concurrent load: nothing a guest or a caller does takes the host
//! down, and every failure has its own kind.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leakguard_host::{CallOptions, CancelToken, Config, ErrorKind, GuestStream, Plugin};

const HOSTILE: &str = "leakguard-hostile.component.wasm";

fn hostile(config: Config) -> Plugin {
    common::load(HOSTILE, config).unwrap()
}

fn assert_ping(plugin: &Plugin) {
    assert_eq!(plugin.call("ping", "{}").unwrap(), r#"{"pong":true}"#);
}

#[test]
fn a_panic_is_a_trap_with_the_guests_message_and_the_pool_refills() {
    let plugin = hostile(Config::new().pool_size(1));
    for round in 0..3 {
        let message = format!("boom {round}: \"quoted\"");
        let data = serde_json::json!({ "message": message }).to_string();
        let err = plugin.call("test-panic", &data).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Trap, "{err}");
        assert!(
            err.message()
                .starts_with(&format!("the plugin panicked: {message} at ")),
            "{err}"
        );
        assert!(
            std::error::Error::source(&err).is_some(),
            "the trap is kept as the source"
        );
        assert_ping(&plugin);
    }
}

#[test]
fn the_guests_stderr_goes_to_the_sink() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = {
        let lines = Arc::clone(&lines);
        move |stream: GuestStream, line: &str| lines.lock().unwrap().push((stream, line.to_owned()))
    };
    let plugin = hostile(Config::new().pool_size(1).guest_output(sink));
    plugin
        .call("test-panic", r#"{"message":"to the sink"}"#)
        .unwrap_err();
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().any(|(s, l)| *s == GuestStream::Stderr
            && l.starts_with("leakguard: panic: to the sink at ")),
        "{lines:?}"
    );
}

#[test]
fn a_looping_guest_is_stopped_by_its_deadline() {
    let plugin = hostile(Config::new().pool_size(1));
    let started = Instant::now();
    let options = CallOptions::new().timeout(Duration::from_millis(100));
    let err = plugin.call_with("test-loop", "{}", &options).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
    // Generous: the machine is shared; the point is that it stops at all.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_ping(&plugin);
}

#[test]
fn the_default_timeout_applies_when_a_call_sets_none() {
    let plugin = hostile(
        Config::new()
            .pool_size(1)
            .timeout(Some(Duration::from_millis(50))),
    );
    let err = plugin.call("test-loop", "{}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_ping(&plugin);
}

#[test]
fn a_looping_guest_is_stopped_by_cancellation() {
    let plugin = hostile(Config::new().pool_size(1).timeout(None));
    let token = CancelToken::new();
    let canceller = {
        let token = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            token.cancel();
        })
    };
    let err = plugin
        .call_with("test-loop", "{}", &CallOptions::new().cancel(token.clone()))
        .unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    // A cancelled token also refuses calls that have not started.
    let err = plugin
        .call_with("ping", "{}", &CallOptions::new().cancel(token))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert_ping(&plugin);
}

#[test]
fn waiting_for_a_busy_pool_respects_the_deadline() {
    let plugin = hostile(Config::new().pool_size(1).timeout(None));
    let token = CancelToken::new();
    let busy = {
        let plugin = plugin.clone();
        let token = token.clone();
        std::thread::spawn(move || {
            plugin.call_with("test-loop", "{}", &CallOptions::new().cancel(token))
        })
    };
    // Let the looping call take the only instance.
    std::thread::sleep(Duration::from_millis(200));
    let err = plugin
        .call_with(
            "ping",
            "{}",
            &CallOptions::new().timeout(Duration::from_millis(50)),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        err.message().contains("waiting for a free instance"),
        "{err}"
    );
    token.cancel();
    assert_eq!(
        busy.join().unwrap().unwrap_err().kind(),
        ErrorKind::Cancelled
    );
    assert_ping(&plugin);
}

#[test]
fn growing_past_the_memory_limit_is_refused() {
    let limit = 32 << 20;
    let plugin = hostile(Config::new().pool_size(1).memory_limit(limit));
    let err = plugin.call("test-grow", "{}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MemoryLimit, "{err}");
    assert!(err.message().contains(&limit.to_string()), "{err}");
    assert_ping(&plugin);
}

#[test]
fn a_memory_limit_below_the_initial_memory_fails_the_load() {
    let err = common::load(HOSTILE, Config::new().memory_limit(64 << 10))
        .err()
        .expect("the first instance cannot fit");
    assert_eq!(err.kind(), ErrorKind::MemoryLimit, "{err}");
}

#[test]
fn output_over_the_limit_is_too_large() {
    let limit = 1 << 20;
    let plugin = hostile(Config::new().pool_size(1).max_output(limit));
    let err = plugin
        .call("test-big-output", r#"{"bytes":2097152}"#)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert_eq!(
        err.message(),
        format!(
            "the reply is {} bytes; the limit is {limit} bytes",
            2097152 + r#"{"blob":""}"#.len()
        )
    );
    let reply = plugin.call("test-big-output", r#"{"bytes":1000}"#).unwrap();
    assert_eq!(reply.len(), 1000 + r#"{"blob":""}"#.len());
}

#[test]
fn bad_requests_each_have_their_kind() {
    let plugin = hostile(Config::new().pool_size(1).max_input(1024));
    let oversized = format!(r#"{{"echo":"{}"}}"#, "x".repeat(2000));
    let cases: &[(&str, &str, ErrorKind, &str)] = &[
        (
            "no-such-action",
            "{}",
            ErrorKind::UnknownAction,
            "no action named `no-such-action`; `describe` lists them",
        ),
        (
            "ping",
            "{",
            ErrorKind::Malformed,
            "data is not valid JSON: EOF while parsing an object at line 1 column 1",
        ),
        (
            "ping",
            r#"{"bogus":1}"#,
            ErrorKind::BadRequest,
            "invalid input for `ping`: unknown field `bogus`, expected `echo` at line 1 column 8",
        ),
        (
            "ping",
            &oversized,
            ErrorKind::TooLarge,
            "data is 2011 bytes; the limit is 1024 bytes",
        ),
    ];
    for (name, data, kind, message) in cases {
        let err = plugin.call(name, data).unwrap_err();
        assert_eq!((err.kind(), err.message()), (*kind, *message), "{name}");
    }
    let long_name = "n".repeat(5000);
    assert_eq!(
        plugin.call(&long_name, "{}").unwrap_err().kind(),
        ErrorKind::TooLarge
    );
    assert_ping(&plugin);
}

#[test]
fn input_over_the_guests_own_limit_is_refused_by_the_guest() {
    let plugin = hostile(Config::new().pool_size(1).max_input(usize::MAX));
    let data = " ".repeat(leakguard::MAX_INPUT_BYTES + 1);
    let err = plugin.call("ping", &data).unwrap_err();
    let want = leakguard::call("ping", &data).unwrap_err();
    assert_eq!(
        (err.kind().as_str(), err.message()),
        (want.code().as_str(), want.message())
    );
}

#[test]
fn many_threads_share_the_pool() {
    const THREADS: usize = 16;
    const CALLS: usize = 500;
    let plugin = hostile(Config::new().pool_size(4));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let plugin = plugin.clone();
            std::thread::spawn(move || {
                for i in 0..CALLS {
                    let echo = format!("{t}-{i}");
                    let reply = plugin
                        .call("ping", &format!(r#"{{"echo":"{echo}"}}"#))
                        .unwrap();
                    assert_eq!(reply, format!(r#"{{"pong":true,"echo":"{echo}"}}"#));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn a_closed_plugin_refuses_calls() {
    let plugin = hostile(Config::new().pool_size(2));
    let clone = plugin.clone();
    assert_ping(&clone);
    plugin.close();
    let err = clone.call("ping", "{}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
}

#[test]
fn events_carry_host_errors_with_their_codes() {
    let plugin = hostile(Config::new().pool_size(1));
    let input = concat!(
        r#"{"cid":1,"name":"ping","data":{"echo":1}}"#,
        "\n",
        r#"{"cid":2,"name":"test-panic","data":{"message":"m"}}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":3,"method":"test-panic","params":{"message":"m"}}"#,
        "\n",
        r#"{"cid":4,"name":"ping"}"#,
        "\n",
    );
    let mut out = Vec::new();
    plugin
        .serve_events(&mut input.as_bytes(), &mut out)
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(lines[0], r#"{"cid":1,"data":{"pong":true,"echo":1}}"#);
    assert!(
        lines[1].starts_with(
            r#"{"cid":2,"error":{"code":"trap","message":"the plugin panicked: m at "#
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(r#"{"jsonrpc":"2.0","id":3,"error":{"code":-32010,"message":"the plugin panicked: m at "#), "{}", lines[2]);
    assert!(
        lines[2].ends_with(r#","data":{"code":"trap"}}}"#),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], r#"{"cid":4,"data":{"pong":true}}"#);
}

#[test]
fn the_compilation_cache_is_written_then_used() {
    let dir = std::env::temp_dir().join(format!("leakguard-host-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config::new().pool_size(1).cache_dir(&dir);
    let component = common::dist("leakguard.component.wasm");
    assert_ping(&Plugin::from_file(&component, &config).unwrap());
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let written = std::fs::metadata(&entries[0]).unwrap().modified().unwrap();

    // A hit leaves the entry alone.
    assert_ping(&Plugin::from_file(&component, &config).unwrap());
    assert_eq!(
        std::fs::metadata(&entries[0]).unwrap().modified().unwrap(),
        written
    );

    // A corrupt entry is ignored and replaced.
    std::fs::write(&entries[0], b"garbage").unwrap();
    assert_ping(&Plugin::from_file(&component, &config).unwrap());
    assert!(std::fs::metadata(&entries[0]).unwrap().len() > 1000);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- plugins that are not leakguard plugins -------------------------------

/// A core module, written by hand, implementing the plugin's canonical ABI:
/// `describe` returns `describe_json`; `call` answers `{}`. With
/// `with_describe` false it lacks the `describe` export. It carries the WIT
/// of world `plugin` like the real core module.
fn fake_plugin(describe_json: &str, with_describe: bool) -> Vec<u8> {
    let escaped = describe_json.replace('\\', "\\\\").replace('"', "\\\"");
    let describe = if with_describe {
        format!(
            r#"(func (export "leakguard:plugin/action@0.1.0#describe") (result i32)
                 (i32.store (i32.const 16) (i32.const 1024))
                 (i32.store (i32.const 20) (i32.const {len}))
                 (i32.const 16))"#,
            len = describe_json.len()
        )
    } else {
        String::new()
    };
    let wat = format!(
        r#"(module
             (memory (export "memory") 1)
             (global $next (mut i32) (i32.const 8192))
             (data (i32.const 1024) "{escaped}")
             (data (i32.const 512) "{{}}")
             ;; A bump allocator: enough for a few calls.
             (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
               (local $p i32)
               (local.set $p (i32.and
                 (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                 (i32.sub (i32.const 0) (local.get 2))))
               (global.set $next (i32.add (local.get $p) (local.get 3)))
               (local.get $p))
             {describe}
             ;; result<string, failure>: tag at 0, ok payload (ptr, len) at 4.
             (func (export "leakguard:plugin/action@0.1.0#call") (param i32 i32 i32 i32) (result i32)
               (i32.store8 (i32.const 32) (i32.const 0))
               (i32.store (i32.const 36) (i32.const 512))
               (i32.store (i32.const 40) (i32.const 2))
               (i32.const 32)))"#
    );
    let mut module = wat::parse_str(wat).unwrap();
    embed_world(&mut module, None);
    module
}

/// Embed the WIT of world `plugin` (or of the given WIT text's only world).
fn embed_world(module: &mut Vec<u8>, wit: Option<&str>) {
    let mut resolve = wit_parser::Resolve::default();
    let (package, world) = match wit {
        None => (
            resolve
                .push_file(common::workspace().join("wit/action.wit"))
                .unwrap(),
            "plugin",
        ),
        Some(text) => (resolve.push_str("test.wit", text).unwrap(), "empty"),
    };
    let world = resolve.select_world(&[package], Some(world)).unwrap();
    wit_component::embed_component_metadata(
        module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .unwrap();
}

fn description(protocol: &str) -> String {
    format!(r#"{{"protocol":"{protocol}","plugin":{{"name":"fake","version":"0"}},"actions":[]}}"#)
}

#[test]
fn a_hand_written_plugin_loads_when_it_speaks_protocol_1() {
    let plugin = Plugin::new(&fake_plugin(&description("1.3"), true), &Config::new()).unwrap();
    assert_eq!(plugin.describe().name(), "fake");
    assert_eq!(plugin.describe().protocol(), "1.3");
    assert_eq!(plugin.call("anything", "{}").unwrap(), "{}");
}

#[test]
fn bad_plugins_are_refused_at_load() {
    let empty_world = {
        let mut module = wat::parse_str("(module)").unwrap();
        embed_world(&mut module, Some("package test:empty; world empty {}"));
        wit_component::ComponentEncoder::default()
            .module(&module)
            .unwrap()
            .encode()
            .unwrap()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("nothing", Vec::new(), "not a valid component"),
        ("text", b"hello".to_vec(), "not a valid component"),
        (
            "a core module without exports",
            wat::parse_str("(module)").unwrap(),
            "does not export the interface leakguard:plugin/action@0.1.0",
        ),
        (
            "a core module missing describe",
            fake_plugin(&description("1.0"), false),
            "failed to find export of interface `leakguard:plugin/action@0.1.0` function `describe`",
        ),
        (
            "a component without the interface",
            empty_world,
            "leakguard:plugin/action@0.1.0",
        ),
        (
            "protocol 2",
            fake_plugin(&description("2.0"), true),
            "speaks protocol 2.0; this host speaks 1.x",
        ),
        (
            "protocol 0",
            fake_plugin(&description("0.1"), true),
            "speaks protocol 0.1",
        ),
        (
            "describe is not JSON",
            fake_plugin("hello", true),
            "self-description is invalid",
        ),
    ];
    for (what, bytes, part) in cases {
        let err = Plugin::new(&bytes, &Config::new())
            .err()
            .unwrap_or_else(|| panic!("{what}: loaded"));
        assert_eq!(err.kind(), ErrorKind::BadPlugin, "{what}: {err}");
        assert!(err.message().contains(part), "{what}: {err}");
    }
    let err = Plugin::from_file("/nonexistent/plugin.wasm", &Config::new())
        .err()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::BadPlugin, "{err}");
    assert!(err.message().contains("/nonexistent/plugin.wasm"), "{err}");
}
