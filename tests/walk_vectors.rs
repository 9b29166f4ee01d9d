//! The shared walk vectors under `tests/walk/` (see its README), run against
//! the Rust walker, and the `.gitignore` cases also against git itself so
//! that every expectation is git's answer. The Go walker runs the same
//! files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use leakguard::walk::{self, Ignore, Matcher};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreCase {
    #[serde(default)]
    note: Option<String>,
    gitignore: BTreeMap<String, Vec<String>>,
    path: String,
    dir: bool,
    ignored: bool,
}

impl IgnoreCase {
    fn describe(&self, line: usize) -> String {
        format!(
            "gitignore.jsonl:{line}: {:?} (dir {}) with {:?}{}",
            self.path,
            self.dir,
            self.gitignore,
            self.note
                .as_deref()
                .map(|n| format!(" [{n}]"))
                .unwrap_or_default()
        )
    }

    fn content(lines: &[String]) -> String {
        let mut s = lines.join("\n");
        s.push('\n');
        s
    }

    /// Write the case's `.gitignore` files and `path` (a directory or an
    /// empty file) under `root`.
    fn materialise(&self, root: &Path) {
        for (dir, lines) in &self.gitignore {
            let d = root.join(dir);
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join(".gitignore"), Self::content(lines)).unwrap();
        }
        let p = root.join(&self.path);
        if self.dir {
            fs::create_dir_all(&p).unwrap();
        } else if !p.exists() {
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "").unwrap();
        }
    }
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/walk")
}

fn ignore_cases() -> Vec<(usize, IgnoreCase)> {
    let text = fs::read_to_string(vectors_dir().join("gitignore.jsonl")).unwrap();
    let cases: Vec<(usize, IgnoreCase)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let case = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("gitignore.jsonl:{}: {e}", i + 1));
            (i + 1, case)
        })
        .collect();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    cases
}

/// A scratch directory under the target directory, empty, removed at drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("walk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn gitignore_vectors_match() {
    let mut failures = Vec::new();
    for (line, case) in ignore_cases() {
        let ignores: Vec<Ignore> = case
            .gitignore
            .iter()
            .map(|(dir, lines)| Ignore::parse(dir, IgnoreCase::content(lines).as_bytes()))
            .collect();
        let got = Matcher::is_excluded(&ignores, &case.path, case.dir);
        if got != case.ignored {
            failures.push(format!("{}: got {got}", case.describe(line)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The expectations are git's: build each case in a fresh repository and
/// ask `git check-ignore --no-index` (which, like a walk, treats a path
/// below an ignored directory as ignored).
#[test]
fn gitignore_vectors_agree_with_git() {
    let git = which("git")
        .expect("git is needed to check the .gitignore vectors against git itself; install git");
    let mut failures = Vec::new();
    for (line, case) in ignore_cases() {
        let scratch = Scratch::new(&format!("git-{line}"));
        let run = |args: &[&str]| {
            Command::new(&git)
                .args(args)
                .current_dir(&scratch.0)
                // No user or system configuration: no global excludes file.
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap()
        };
        assert!(run(&["init", "-q"]).status.success());
        case.materialise(&scratch.0);
        let out = run(&["check-ignore", "-q", "--no-index", "--", &case.path]);
        let got = match out.status.code() {
            Some(0) => true,
            Some(1) => false,
            _ => panic!(
                "{}: git check-ignore failed: {}",
                case.describe(line),
                String::from_utf8_lossy(&out.stderr)
            ),
        };
        if got != case.ignored {
            failures.push(format!("{}: git says {got}", case.describe(line)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// For every file case, a real walk of the tree lists the file exactly when
/// it is not ignored.
#[test]
fn gitignore_vectors_through_a_real_walk() {
    for (line, case) in ignore_cases().into_iter().filter(|(_, c)| !c.dir) {
        let scratch = Scratch::new(&format!("tree-{line}"));
        case.materialise(&scratch.0);
        let found = walk::walk(&scratch.0, &walk::Options::default()).unwrap();
        let listed = found.files.iter().any(|f| f.path == case.path);
        assert_eq!(listed, !case.ignored, "{}", case.describe(line));
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Utf8Case {
    note: String,
    hex: String,
    text: String,
}

#[test]
fn utf8_vectors_match() {
    let text = fs::read_to_string(vectors_dir().join("utf8.jsonl")).unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Utf8Case = serde_json::from_str(line).unwrap();
        let bytes: Vec<u8> = (0..case.hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&case.hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(walk::decode_lossy(&bytes), case.text, "{}", case.note);
        n += 1;
    }
    assert!(n >= 10);
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
