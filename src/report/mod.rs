//! Report formats: the one implementation every leakguard CLI prints
//! findings with (through the `report` action), so that the Go CLI,
//! `leakguard-host scan` and the module under `wasmtime run` print the same
//! bytes.
//!
//! * [`Format::Json`]: `{"findings": [...]}` pretty-printed with a 2-space
//!   indent, then a newline; no findings print `{"findings": []}` in that
//!   layout (`{\n  "findings": []\n}\n`).
//! * [`Format::Jsonl`]: one compact finding per line; no findings print
//!   nothing.
//! * [`Format::Sarif`]: SARIF 2.1.0 (see [`sarif`]).
//! * [`Format::Text`]: for people (see [`text`]).
//!
//! A finding's location is its `path`, else its `document` id, else `-`
//! (a text scanned on its own, such as standard input).
//!
//! ```
//! use leakguard::report::{Format, Options, render};
//! assert_eq!(render(Format::Text, &[], &Options::default()), "no leaks found\n");
//! assert_eq!(render(Format::Json, &[], &Options::default()), "{\n  \"findings\": []\n}\n");
//! ```

pub mod sarif;
pub mod text;

use serde::{Deserialize, Serialize};

pub use crate::engine::{Finding, Severity};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON document, pretty-printed.
    Json,
    /// One compact JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0, pretty-printed.
    Sarif,
    /// Human-readable text.
    Text,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Jsonl, Format::Sarif];

    /// The format's name (`"sarif"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Text => "text",
        }
    }

    /// The format called `name`, if any.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// How to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// ANSI colours in the text format (other formats ignore it).
    pub color: bool,
    /// The tool version SARIF names.
    pub version: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            color: false,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Render `findings` (in the order given) in `format`. Deterministic: the
/// same input always gives the same bytes.
pub fn render(format: Format, findings: &[Finding], options: &Options) -> String {
    match format {
        Format::Json => json(findings),
        Format::Jsonl => jsonl(findings),
        Format::Sarif => sarif::render(findings, &options.version),
        Format::Text => text::render(findings, options.color),
    }
}

/// Where a finding is: its path, else its document id, else `-`.
pub fn location(f: &Finding) -> &str {
    f.path.as_deref().or(f.document.as_deref()).unwrap_or("-")
}

fn json(findings: &[Finding]) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        findings: &'a [Finding],
    }
    let mut out = to_json(&Report { findings }, true);
    out.push('\n');
    out
}

fn jsonl(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&to_json(f, false));
        out.push('\n');
    }
    out
}

/// Serialise a value that cannot fail to serialise: plain structs of
/// strings, numbers and vectors (serde_json writes a non-finite float as
/// `null` rather than failing).
pub(crate) fn to_json<T: Serialize>(value: &T, pretty: bool) -> String {
    let result = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    result.unwrap_or_else(|e| unreachable!("report types always serialise: {e}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::test_finding;

    /// A finding with every required field; tests adjust the rest.
    pub(crate) fn finding(rule: &str, path: Option<&str>, line: usize) -> Finding {
        Finding {
            description: format!("{rule} description"),
            tags: vec!["demo".to_owned()],
            path: path.map(str::to_owned),
            line,
            column: 5,
            end_line: line,
            end_column: 24,
            start: 4,
            end: 24,
            secret: "demo****".to_owned(),
            entropy: 3.5,
            ..test_finding(rule)
        }
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
        assert_eq!(Format::parse("xml"), None);
    }

    #[test]
    fn json_and_jsonl_by_case() {
        let one = finding("r", Some("a.txt"), 1);
        let compact = serde_json::to_string(&one).unwrap();
        let mut with_doc = finding("r", None, 2);
        with_doc.document = Some("doc-7".into());
        let cases: Vec<(Format, Vec<Finding>, String)> = vec![
            (Format::Json, vec![], "{\n  \"findings\": []\n}\n".into()),
            (Format::Jsonl, vec![], String::new()),
            (Format::Jsonl, vec![one.clone()], format!("{compact}\n")),
            (
                Format::Jsonl,
                vec![one.clone(), one.clone()],
                format!("{compact}\n{compact}\n"),
            ),
            (
                Format::Json,
                vec![one.clone()],
                format!(
                    "{{\n  \"findings\": [\n{}\n  ]\n}}\n",
                    serde_json::to_string_pretty(&one)
                        .unwrap()
                        .lines()
                        .map(|l| format!("    {l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            ),
        ];
        for (format, findings, want) in cases {
            let got = render(format, &findings, &Options::default());
            assert_eq!(got, want, "{format:?} with {} findings", findings.len());
        }
        // Location falls back from path to document to "-".
        assert_eq!(location(&one), "a.txt");
        assert_eq!(location(&with_doc), "doc-7");
        assert_eq!(location(&finding("r", None, 1)), "-");
    }
}
