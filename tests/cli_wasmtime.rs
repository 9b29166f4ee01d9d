//! The built module's own `scan` under the stock `wasmtime` CLI, with the
//! fixture tree preopened at `/src`, must print byte for byte what the
//! native pipeline prints for the same tree, in every format.
//!
//! Needs `wasmtime` on `PATH` (or in `~/.cargo/bin`) and a fresh
//! `dist/leakguard.wasm` (`just build`; `LEAKGUARD_WASM` may name another
//! module); fails, not skips, without them.

mod cli_fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_fixture::{Tree, github_token, run_native};

fn wasmtime() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join("wasmtime"))
        .find(|p| p.is_file())
        .expect(
            "the wasmtime CLI is needed for this test and was not found on PATH or in ~/.cargo/bin; \
             install it with `cargo install wasmtime-cli --version 48.0.8 --locked`",
        )
}

/// `dist/leakguard.wasm`, or the module `LEAKGUARD_WASM` names.
fn module() -> PathBuf {
    let m = std::env::var_os("LEAKGUARD_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/leakguard.wasm"));
    assert!(
        m.is_file(),
        "{} is missing: run `just build` first",
        m.display()
    );
    m
}

/// Run the module under wasmtime with `tree` preopened at /src; (exit
/// status, stdout, stderr).
fn run_wasm(tree: &str, args: &[&str], stdin: &str) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(wasmtime())
        .arg("run")
        .arg("--dir")
        .arg(format!("{tree}::/src"))
        .arg(module())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wasmtime");
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("unknown command"),
        "dist/leakguard.wasm predates the scan command: run `just build`\n{stderr}"
    );
    (out.status.code().unwrap_or(-1), out.stdout, stderr)
}

#[test]
fn wasmtime_scan_matches_native_byte_for_byte() {
    let tree = Tree::planted("wasmtime");
    let root = tree.path();
    // (flags, expected exit status); the path is appended: /src under
    // wasmtime, the tree's own path natively.
    let cases: &[(&[&str], i32)] = &[
        (&["--format", "json"], 1),
        (&["--format", "jsonl"], 1),
        (&["--format", "sarif"], 1),
        (&["--format", "text"], 1),
        (&["--format", "json", "--reveal"], 1),
        (&["--format", "json", "--max-size", "55", "-v"], 1),
    ];
    for (flags, want_code) in cases {
        let mut wasm_args = vec!["scan"];
        wasm_args.extend_from_slice(flags);
        let mut native_args = wasm_args.clone();
        wasm_args.push("/src");
        native_args.push(root);
        let (wcode, wout, werr) = run_wasm(root, &wasm_args, "");
        let (ncode, nout, nerr) = run_native(&native_args, "");
        assert_eq!(wcode, *want_code, "{flags:?}: wasmtime stderr {werr}");
        assert_eq!(ncode, *want_code, "{flags:?}: native stderr {nerr}");
        assert!(
            wout == nout,
            "{flags:?}: wasmtime and native disagree\n--- wasmtime\n{}\n--- native\n{}",
            String::from_utf8_lossy(&wout),
            String::from_utf8_lossy(&nout)
        );
        assert_eq!(werr, nerr, "{flags:?}: stderr");
        assert!(!wout.is_empty());
    }
}

#[test]
fn wasmtime_scan_of_stdin_and_errors() {
    let tree = Tree::new("wasmtime-misc", &[("a.txt", b"nothing\n" as &[u8])]);
    let root = tree.path();
    let text = format!("one\ntwo {}\n", github_token());
    let (code, out, err) = run_wasm(root, &["scan", "--format", "jsonl", "-"], &text);
    let (ncode, nout, _) = run_native(&["scan", "--format", "jsonl", "-"], &text);
    assert_eq!((code, ncode), (1, 1), "{err}");
    assert_eq!(out, nout);

    let (code, out, _) = run_wasm(root, &["scan", "/src"], "");
    assert_eq!((code, out.as_slice()), (0, &b"no leaks found\n"[..]));

    // A path outside what was preopened is an error, with a message.
    let (code, out, err) = run_wasm(root, &["scan", "/elsewhere"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with("leakguard: cannot scan /elsewhere: "),
        "{err}"
    );
}
