//! The `leakguard-host` binary, run as a user would.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Once;

fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    // The binary's default compilation cache is $XDG_CACHE_HOME/leakguard:
    // keep it in the tests' temporary directory, and fill it once before
    // the tests (which run in parallel) start using it.
    static WARM: Once = Once::new();
    let cache_home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache");
    let command = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_leakguard-host"));
        command.env("XDG_CACHE_HOME", &cache_home);
        command
    };
    WARM.call_once(|| {
        let plugin = common::dist("leakguard.component.wasm");
        let status = command()
            .arg("--plugin")
            .arg(plugin)
            .arg("describe")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    });
    let mut child = command()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting leakguard-host");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Run in the workspace root, where `dist/` is.
fn run(args: &[&str], stdin: &str) -> Output {
    common::dist("leakguard.component.wasm");
    run_in(&common::workspace(), args, stdin)
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn call_prints_the_reply() {
    // (args, stdin, stdout)
    let cases: &[(&[&str], &str, &str)] = &[
        (&["call", "ping", "{}"], "", "{\"pong\":true}\n"),
        (&["call", "ping"], "", "{\"pong\":true}\n"),
        (
            &["call", "ping", r#"{"echo":[1, "x"]}"#],
            "",
            "{\"pong\":true,\"echo\":[1,\"x\"]}\n",
        ),
        (
            &["call", "ping", "-"],
            r#"{"echo":"from stdin"}"#,
            "{\"pong\":true,\"echo\":\"from stdin\"}\n",
        ),
        (
            &["--plugin", "dist/leakguard.wasm", "call", "ping"],
            "",
            "{\"pong\":true}\n",
        ),
        (
            &["--timeout", "5", "-v", "call", "ping"],
            "",
            "{\"pong\":true}\n",
        ),
        (&["--no-cache", "call", "ping"], "", "{\"pong\":true}\n"),
    ];
    for (args, stdin, want) in cases {
        let out = run(args, stdin);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), *want, "{args:?}");
    }
}

#[test]
fn the_default_compilation_cache_is_used() {
    let out = run(&["call", "ping"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache/leakguard");
    let entries = std::fs::read_dir(&dir).unwrap().count();
    assert!(entries >= 1, "nothing cached in {}", dir.display());
}

#[test]
fn the_plugin_is_found_from_the_executable_when_not_in_the_current_directory() {
    common::dist("leakguard.component.wasm");
    let out = run_in(&std::env::temp_dir(), &["call", "ping", "{}"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "{\"pong\":true}\n");
}

#[test]
fn failures_and_exit_codes() {
    // (args, exit code, start of stderr)
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["call", "nope"],
            1,
            "error: unknown-action: no action named `nope`; `describe` lists them\n",
        ),
        (
            &["call", "ping", "{"],
            1,
            "error: malformed: data is not valid JSON",
        ),
        (
            &["call", "ping", "[]"],
            1,
            "error: bad-request: the data of `ping` must be a JSON object\n",
        ),
        (
            &["--plugin", "/nonexistent.wasm", "call", "ping"],
            2,
            "error: bad-plugin: cannot read the plugin /nonexistent.wasm",
        ),
        (
            &["--plugin", "Cargo.toml", "describe"],
            2,
            "error: bad-plugin: not a valid component",
        ),
        (
            &["bogus"],
            2,
            "leakguard-host: unknown command or arguments: bogus",
        ),
        (
            &["call"],
            2,
            "leakguard-host: unknown command or arguments: call",
        ),
        (
            &["--frobnicate", "call", "ping"],
            2,
            "leakguard-host: unknown option --frobnicate",
        ),
        (
            &["--timeout", "soon", "call", "ping"],
            2,
            "leakguard-host: --timeout needs a number of seconds",
        ),
    ];
    for (args, code, stderr) in cases {
        let out = run(args, "");
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).starts_with(stderr),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
    }
}

#[test]
fn help_goes_to_stdout() {
    for args in [&[][..], &["help"], &["--help"]] {
        let out = run(args, "");
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("leakguard-host [options] call <name> [json]"));
    }
}

#[test]
fn describe_prints_the_self_description() {
    let out = run(&["describe"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", leakguard::describe()));
}

#[test]
fn serve_answers_like_the_modules_own_loop() {
    let input = concat!(
        r#"{"cid":"a1","name":"ping","data":{}}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":7,"method":"ping","params":{"echo":"x"}}"#,
        "\n",
        "not json\n",
        "\n",
        r#"{"cid":9,"name":"nope"}"#,
        "\n",
        r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"ping"}]"#,
        "\n",
        r#"{"name":"ping","data":{"echo":"no cid"}}"#,
        "\n",
    );
    let out = run(&["serve"], input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The native core's loop on the same input is the reference.
    let mut want = Vec::new();
    leakguard::events::serve(
        leakguard::Router::global(),
        &mut input.as_bytes(),
        &mut want,
    )
    .unwrap();
    assert_eq!(text(&out.stdout), text(&want));
    assert_eq!(text(&out.stdout).lines().count(), 6);
}
