//! What the host's integration tests share: where the built plugins are, and
//! the conformance cases under `tests/conformance/` (the format is in that
//! directory's README; the native runner is `tests/conformance.rs`).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{Duration, SystemTime};

use leakguard_host::{Config, Error, Plugin};

use serde::Deserialize;
use serde_json::value::RawValue;

/// The workspace root (the directory above `host-rs`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-rs has a parent")
        .to_path_buf()
}

/// `dist/<name>`, which `just build` makes; fails the test with that advice
/// when it is missing.
pub fn dist(name: &str) -> PathBuf {
    let path = workspace().join("dist").join(name);
    assert!(
        path.is_file(),
        "{} is missing: run `just build` first",
        path.display()
    );
    path
}

/// A compilation cache for the tests (in cargo's temporary directory for
/// integration tests): compiling the plugin takes seconds, and most tests
/// load it. Entries untouched for ten minutes are removed, so that stale
/// builds do not pile up.
pub fn cache_dir() -> PathBuf {
    static PRUNE: Once = Once::new();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-cache");
    PRUNE.call_once(|| {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > Duration::from_secs(600));
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    });
    dir
}

/// Load `dist/<name>` with `config` through the tests' compilation cache.
/// The first load of each plugin in this process compiles it while the
/// others wait, so that tests running in parallel do not all compile it.
pub fn load(name: &str, config: Config) -> Result<Plugin, Error> {
    static WARM: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let path = dist(name);
    {
        let mut warm = WARM.lock().unwrap_or_else(|e| e.into_inner());
        if !warm.iter().any(|n| n == name) {
            Plugin::from_file(&path, &Config::new().pool_size(1).cache_dir(cache_dir()))?;
            warm.push(name.to_owned());
        }
    }
    Plugin::from_file(&path, &config.cache_dir(cache_dir()))
}

/// One conformance case.
#[derive(Deserialize)]
pub struct Case {
    pub id: String,
    pub action: String,
    #[serde(default)]
    pub data: Option<Box<RawValue>>,
    #[serde(default)]
    pub data_text: Option<String>,
    #[serde(default)]
    pub reply: Option<Box<RawValue>>,
    #[serde(default)]
    pub error: Option<ExpectedError>,
    /// `file / id`, for failure messages.
    #[serde(skip)]
    pub name: String,
}

#[derive(Deserialize)]
pub struct ExpectedError {
    pub code: String,
    #[serde(default)]
    pub message: Option<String>,
}

impl Case {
    /// The data to send, as text.
    pub fn data(&self) -> &str {
        match (&self.data, &self.data_text) {
            (Some(raw), None) => raw.get(),
            (None, Some(text)) => text,
            _ => panic!("{}: needs exactly one of data, data_text", self.name),
        }
    }

    /// Check what a runner got: the reply text, or an error's code and
    /// message. Returns a description of the mismatch, if any.
    pub fn check(&self, got: Result<&str, (&str, &str)>) -> Result<(), String> {
        let ok = match (&got, &self.reply, &self.error) {
            (Ok(reply), Some(want), None) => *reply == want.get(),
            (Err((code, message)), None, Some(want)) => {
                *code == want.code && want.message.as_deref().is_none_or(|m| m == *message)
            }
            _ => false,
        };
        if ok {
            return Ok(());
        }
        Err(format!(
            "{}: got {got:?}, want reply {:?} error {:?}",
            self.name,
            self.reply.as_ref().map(|r| r.get()),
            self.error.as_ref().map(|e| (&e.code, &e.message)),
        ))
    }
}

/// Every case of every `tests/conformance/*.jsonl` file, in file order.
pub fn cases() -> Vec<Case> {
    let dir = workspace().join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut case: Case =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{file_name}:{}: {e}", i + 1));
            case.name = format!("{file_name} / {}", case.id);
            cases.push(case);
        }
    }
    assert!(
        !cases.is_empty(),
        "no conformance cases in {}",
        dir.display()
    );
    cases
}

/// Assert that no case failed, listing those that did.
pub fn assert_all_passed(failures: &[String], count: usize) {
    assert!(count > 0);
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
