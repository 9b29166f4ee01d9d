//! The conformance cases under `tests/conformance/`, run against the native
//! core. The hosts run the same files through wasm; all must agree byte for
//! byte. `LEAKGUARD_BLESS=1` rewrites the expected replies and messages.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

#[derive(Deserialize, Serialize)]
struct Case {
    id: String,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reply: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<ExpectedError>,
}

#[derive(Deserialize, Serialize)]
struct ExpectedError {
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    files
}

#[test]
fn conformance_native() {
    let bless = std::env::var_os("LEAKGUARD_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in case_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut case: Case = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), i + 1));
            count += 1;
            let data = match (&case.data, &case.data_text) {
                (Some(raw), None) => raw.get().to_owned(),
                (None, Some(text)) => text.clone(),
                _ => panic!(
                    "{}: case {} needs exactly one of data, data_text",
                    file.display(),
                    case.id
                ),
            };
            let got = leakguard::call(&case.action, &data);
            if bless {
                match got {
                    Ok(reply) => {
                        case.reply = Some(RawValue::from_string(reply).unwrap());
                        case.error = None;
                    }
                    Err(f) => {
                        case.reply = None;
                        case.error = Some(ExpectedError {
                            code: f.code().to_string(),
                            message: Some(f.message().to_owned()),
                        });
                    }
                }
                out.push_str(&serde_json::to_string(&case).unwrap());
                out.push('\n');
                continue;
            }
            let ok = match (&got, &case.reply, &case.error) {
                (Ok(reply), Some(want), None) => reply == want.get(),
                (Err(f), None, Some(want)) => {
                    f.code().as_str() == want.code
                        && want.message.as_ref().is_none_or(|m| m == f.message())
                }
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{} / {}: got {:?}, want reply {:?} error {:?}",
                    file.file_name().unwrap().to_string_lossy(),
                    case.id,
                    got,
                    case.reply.as_ref().map(|r| r.get()),
                    case.error.as_ref().map(|e| (&e.code, &e.message)),
                ));
            }
        }
        if bless {
            std::fs::write(&file, out).unwrap();
        }
    }
    assert!(count > 0);
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
