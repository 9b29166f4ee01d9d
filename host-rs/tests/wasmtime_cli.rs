//! The fourth conformance runner: the shipped module's own stdio event loop
//! under the stock `wasmtime` CLI (`wasmtime run dist/leakguard.wasm`), and
//! `wasmtime run --invoke` on the component.
//!
//! The `wasmtime` binary is taken from `PATH`, else `~/.cargo/bin`;
//! `.ci/run` installs it (`cargo install wasmtime-cli --version 48.0.8`).

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde_json::value::RawValue;

fn wasmtime() -> PathBuf {
    let exe = format!("wasmtime{}", std::env::consts::EXE_SUFFIX);
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(&exe))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin").join(&exe));
    on_path
        .into_iter()
        .chain(in_cargo_home)
        .find(|p| p.is_file())
        .expect(
            "the `wasmtime` CLI is not installed (not on PATH nor in ~/.cargo/bin): \
             run .ci/run, or `cargo install wasmtime-cli --version 48.0.8 --locked`",
        )
}

/// Run `wasmtime <args>` with `stdin`; returns stdout, failing on a
/// non-zero exit.
fn run_wasmtime(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new(wasmtime())
        .args(args)
        .current_dir(common::workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting wasmtime");
    // Write from another thread: the replies fill the stdout pipe while the
    // input is still being written.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let out = child.wait_with_output().expect("running wasmtime");
    writer.join().unwrap().expect("writing to wasmtime");
    assert!(
        out.status.success(),
        "wasmtime {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[derive(Deserialize)]
struct Reply {
    cid: Option<String>,
    #[serde(default)]
    data: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<ReplyError>,
}

#[derive(Deserialize)]
struct ReplyError {
    code: String,
    message: String,
}

#[test]
fn conformance_over_the_stdio_loop() {
    // Every case that can travel as JSON, as one event each, all in one
    // process; the case's id is the cid.
    let cases: Vec<common::Case> = common::cases()
        .into_iter()
        .filter(|c| c.data.is_some())
        .collect();
    let mut input = String::new();
    for case in &cases {
        let name = serde_json::to_string(&case.action).unwrap();
        let cid = serde_json::to_string(&case.id).unwrap();
        input.push_str(&format!(
            "{{\"cid\":{cid},\"name\":{name},\"data\":{}}}\n",
            case.data()
        ));
    }
    let output = run_wasmtime(&["run", "dist/leakguard.wasm"], input.as_bytes());

    let mut replies: HashMap<String, Reply> = HashMap::new();
    for line in output.lines() {
        let reply: Reply = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let cid = reply
            .cid
            .clone()
            .unwrap_or_else(|| panic!("a reply without a cid: {line}"));
        assert!(
            replies.insert(cid, reply).is_none(),
            "two replies for one cid: {line}"
        );
    }
    assert_eq!(replies.len(), cases.len(), "one reply per event:\n{output}");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let reply = &replies[&case.id];
            let got = match (&reply.data, &reply.error) {
                (Some(data), None) => Ok(data.get()),
                (None, Some(e)) => Err((e.code.as_str(), e.message.as_str())),
                _ => {
                    return Some(format!(
                        "{}: a reply with both or neither of data, error",
                        case.name
                    ));
                }
            };
            case.check(got).err()
        })
        .collect();
    common::assert_all_passed(&failures, cases.len());
}

#[test]
fn three_dialects_three_replies() {
    let input = concat!(
        r#"{"cid":"a1","name":"ping","data":{}}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":7,"method":"ping","params":{}}"#,
        "\n",
        "not json\n",
    );
    let output = run_wasmtime(&["run", "dist/leakguard.wasm"], input.as_bytes());
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert_eq!(lines[0], r#"{"cid":"a1","data":{"pong":true}}"#);
    assert_eq!(
        lines[1],
        r#"{"jsonrpc":"2.0","id":7,"result":{"pong":true}}"#
    );
    assert!(
        lines[2].starts_with(
            r#"{"cid":null,"error":{"code":"malformed","message":"line 3 is not a JSON object"#
        ),
        "{}",
        lines[2]
    );
}

#[test]
fn invoke_describe_on_the_component() {
    // wasmtime 48 looks a bare name up in every exported instance, so
    // `describe()` reaches `describe` in `leakguard:plugin/action@0.1.0`;
    // the qualified WAVE form is `<package>/<interface>.<func>@<version>`.
    for invoke in ["describe()", "leakguard:plugin/action.describe@0.1.0()"] {
        let output = run_wasmtime(
            &["run", "--invoke", invoke, "dist/leakguard.component.wasm"],
            b"",
        );
        let json = unquote_wave_string(output.trim_end());
        assert_eq!(json, leakguard::describe(), "--invoke '{invoke}'");
    }
}

#[test]
fn invoke_call_on_the_component() {
    // `call` returns result<string, failure>: WAVE prints `ok("...")` or
    // `err({code: ..., message: "..."})`.
    let cases = [
        (
            r#"call("ping", "{\"echo\":1}")"#,
            r#"ok("{\"pong\":true,\"echo\":1}")"#,
        ),
        (
            r#"call("nope", "{}")"#,
            r#"err({code: unknown-action, message: "no action named `nope`; `describe` lists them"})"#,
        ),
    ];
    for (invoke, want) in cases {
        let output = run_wasmtime(
            &["run", "--invoke", invoke, "dist/leakguard.component.wasm"],
            b"",
        );
        assert_eq!(output.trim_end(), want, "--invoke '{invoke}'");
    }
}

/// The text of a WAVE string literal (`"..."`, as `--invoke` prints a
/// `string` result).
fn unquote_wave_string(s: &str) -> String {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a WAVE string: {s}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let code: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&code, 16).expect("a \\u{...} escape");
                out.push(char::from_u32(code).expect("a scalar value"));
            }
            Some(c) => out.push(c), // \\ \" \'
            None => panic!("a trailing backslash in {s}"),
        }
    }
    out
}
