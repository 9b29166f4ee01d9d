//! The human-readable report: one block per finding, then a summary line.
//!
//! ```text
//! config/app.env:3:10: aws-access-key-id (critical)
//!   AWS access key ID
//!   secret:      AKIA****
//!   fingerprint: 3c1f0e9a8b7d6c5e4f3a2b1c0d9e8f7a
//!   commit:      4b825dc6
//!   author:      Dev <dev@example.com>
//!   date:        2024-05-01T10:00:00Z
//!   message:     add config
//!
//! 1 finding in 1 file
//! ```
//!
//! Blocks are separated by a blank line; the commit lines appear only for
//! findings that carry them (a commit message shows its first line). With
//! no findings the whole report is `no leaks found`. Files are counted by
//! distinct location. ANSI colours only when asked for. Control characters
//! in any field (a file name can hold an escape sequence) are shown escaped,
//! never sent to the terminal.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Finding, Severity, location};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const GREEN: &str = "\x1b[32m";

/// Render `findings` as text, with ANSI colours when `color` is set.
pub fn render(findings: &[Finding], color: bool) -> String {
    let paint = |code: &'static str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_owned()
        }
    };
    if findings.is_empty() {
        return format!("{}\n", paint(GREEN, "no leaks found"));
    }
    let mut out = String::new();
    for f in findings {
        let loc = format!("{}:{}:{}", clean(location(f)), f.line, f.column);
        let _ = writeln!(
            out,
            "{}: {} ({})",
            paint(BOLD, &loc),
            paint(BOLD, &clean(&f.rule)),
            paint(severity_color(f.severity), f.severity.as_str()),
        );
        let _ = writeln!(out, "  {}", clean(&f.description));
        let mut field = |label: &str, value: &str| {
            let _ = writeln!(
                out,
                "  {} {}",
                paint(DIM, &format!("{label:<12}")),
                clean(value)
            );
        };
        field("secret:", &f.secret);
        field("fingerprint:", &f.fingerprint);
        if let Some(commit) = &f.commit {
            field("commit:", commit);
        }
        match (&f.author, &f.email) {
            (Some(a), Some(e)) => field("author:", &format!("{a} <{e}>")),
            (Some(a), None) => field("author:", a),
            (None, Some(e)) => field("author:", &format!("<{e}>")),
            (None, None) => {}
        }
        if let Some(date) = &f.date {
            field("date:", date);
        }
        if let Some(message) = &f.message {
            field("message:", message.lines().next().unwrap_or(""));
        }
        out.push('\n');
    }
    let files: BTreeSet<&str> = findings.iter().map(location).collect();
    let summary = format!(
        "{} {} in {} {}",
        findings.len(),
        plural(findings.len(), "finding", "findings"),
        files.len(),
        plural(files.len(), "file", "files"),
    );
    let _ = writeln!(out, "{}", paint(BOLD, &summary));
    out
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => DIM,
    }
}

/// `s` with every control character (C0, DEL, C1) written as `\u{..}`, so
/// that nothing in a finding can move the cursor or recolour a terminal.
fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::finding;
    use super::*;

    #[test]
    fn text_by_case() {
        let plain = finding("demo-token", Some("src/a.txt"), 3);
        let mut history = finding("demo-token", Some("src/b.txt"), 1);
        history.severity = Severity::Critical;
        history.commit = Some("4b825dc6".into());
        history.author = Some("Dev".into());
        history.email = Some("dev@example.com".into());
        history.date = Some("2024-05-01T10:00:00Z".into());
        history.message = Some("add config\n\nlonger body".into());
        let mut hostile = finding("demo-token", Some("evil\x1b[2J.txt"), 2);
        hostile.description = "tab\there".into();
        let mut email_only = finding("demo-token", None, 1);
        email_only.email = Some("x@y".into());

        let plain_block = "src/a.txt:3:5: demo-token (high)\n  demo-token description\n  secret:      demo****\n  fingerprint: 0123456789abcdef0123456789abcdef\n\n";
        let cases: Vec<(&str, Vec<Finding>, bool, String)> = vec![
            ("none", vec![], false, "no leaks found\n".into()),
            (
                "none, coloured",
                vec![],
                true,
                "\x1b[32mno leaks found\x1b[0m\n".into(),
            ),
            (
                "one",
                vec![plain.clone()],
                false,
                format!("{plain_block}1 finding in 1 file\n"),
            ),
            (
                "two in one file",
                vec![plain.clone(), plain.clone()],
                false,
                format!("{plain_block}{plain_block}2 findings in 1 file\n"),
            ),
            (
                "history fields",
                vec![plain.clone(), history],
                false,
                format!(
                    "{plain_block}src/b.txt:1:5: demo-token (critical)\n  demo-token description\n  secret:      demo****\n  fingerprint: 0123456789abcdef0123456789abcdef\n  commit:      4b825dc6\n  author:      Dev <dev@example.com>\n  date:        2024-05-01T10:00:00Z\n  message:     add config\n\n2 findings in 2 files\n"
                ),
            ),
            (
                "control characters escaped",
                vec![hostile],
                false,
                "evil\\u{1b}[2J.txt:2:5: demo-token (high)\n  tab\\u{9}here\n  secret:      demo****\n  fingerprint: 0123456789abcdef0123456789abcdef\n\n1 finding in 1 file\n".into(),
            ),
            (
                "no path, e-mail only",
                vec![email_only],
                false,
                "-:1:5: demo-token (high)\n  demo-token description\n  secret:      demo****\n  fingerprint: 0123456789abcdef0123456789abcdef\n  author:      <x@y>\n\n1 finding in 1 file\n".into(),
            ),
            (
                "coloured",
                vec![plain],
                true,
                "\x1b[1msrc/a.txt:3:5\x1b[0m: \x1b[1mdemo-token\x1b[0m (\x1b[31mhigh\x1b[0m)\n  demo-token description\n  \x1b[2msecret:     \x1b[0m demo****\n  \x1b[2mfingerprint:\x1b[0m 0123456789abcdef0123456789abcdef\n\n\x1b[1m1 finding in 1 file\x1b[0m\n".into(),
            ),
        ];
        for (name, findings, color, want) in cases {
            assert_eq!(render(&findings, color), want, "{name}");
        }
    }

    #[test]
    fn uncoloured_text_has_no_escape_bytes() {
        let mut f = finding("r", Some("\x1b]0;title\x07"), 1);
        f.message = Some("\u{9b}31m".into());
        assert!(!render(&[f], false).contains(['\x1b', '\x07', '\u{9b}']));
    }
}
