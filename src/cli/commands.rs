//! `redact` and `rules`.

use std::fmt;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::flags::Flags;
use super::{EXIT_CLEAN, Error, Io, read_rule_file, write_help};
use crate::walk;

const REDACT_HELP: &str = "\
usage: leakguard redact [flags]

Copies standard input to standard output with every secret replaced. The
module reads the whole input first (at most 10485760 bytes).

flags:
  --config FILE   rule file (TOML) to use instead of the default rules
  --style STYLE   placeholder ([REDACTED:rule]), mask (keep the first --keep characters, * for the rest) or hash ([REDACTED:fingerprint])
  --keep N        characters the mask style keeps (default 4)
";

const RULES_HELP: &str = "\
usage: leakguard rules [flags]

Lists the active rules: the default ones, or those of --config.

flags:
  --config FILE    rule file (TOML) to list instead of the default rules
  --format FORMAT  text (a table) or json
";

/// The largest input `redact` takes: the engine's limit on one text.
const REDACT_MAX_BYTES: u64 = 10 << 20;

#[derive(Serialize)]
struct RedactRequest<'a> {
    text: &'a str,
    style: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keep: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a str>,
}

#[derive(Deserialize)]
struct RedactReply {
    text: String,
}

pub(super) fn redact<C, E>(call: &mut C, args: &[String], io: &mut Io<'_>) -> Result<i32, Error>
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    let mut config = None;
    let mut style = "placeholder".to_owned();
    let mut keep = None;
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        match flag.name.as_str() {
            "h" | "help" => return write_help(io, REDACT_HELP),
            "config" => config = Some(read_rule_file(&flags.value(&flag)?)?),
            "style" => style = flags.value(&flag)?,
            "keep" => {
                let v = flags.value(&flag)?;
                keep = Some(v.parse::<usize>().map_err(|_| {
                    Error::Usage(format!("--keep must be a number of characters, not {v:?}"))
                })?);
            }
            _ => return Err(flag.unknown()),
        }
    }
    if !flags.positional.is_empty() {
        return Err(Error::Usage(
            "redact reads standard input and takes no arguments".into(),
        ));
    }
    if !["placeholder", "mask", "hash"].contains(&style.as_str()) {
        return Err(Error::Usage(format!(
            "unknown style {style:?} (placeholder, mask or hash)"
        )));
    }
    if keep.is_some() && style != "mask" {
        return Err(Error::Usage("--keep goes with --style mask".into()));
    }
    let mut bytes = Vec::new();
    io.stdin
        .take(REDACT_MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Failed(format!("read standard input: {e}")))?;
    if bytes.len() as u64 > REDACT_MAX_BYTES {
        return Err(Error::Failed(format!(
            "standard input is larger than {REDACT_MAX_BYTES} bytes, the most the module redacts at once (the Go CLI streams)"
        )));
    }
    let text = walk::decode_lossy(&bytes);
    let request = serde_json::to_string(&RedactRequest {
        text: &text,
        style: &style,
        keep,
        config: config.as_deref(),
    })
    .map_err(|e| Error::Failed(e.to_string()))?;
    let reply = call("redact", &request).map_err(|e| Error::Failed(e.to_string()))?;
    let reply: RedactReply = serde_json::from_str(&reply)
        .map_err(|e| Error::Failed(format!("unexpected reply from redact: {e}")))?;
    io.stdout
        .write_all(reply.text.as_bytes())
        .and_then(|()| io.stdout.flush())
        .map_err(Error::Write)?;
    Ok(EXIT_CLEAN)
}

#[derive(Deserialize)]
struct RulesReply {
    rules: Vec<RuleRow>,
}

#[derive(Deserialize)]
struct RuleRow {
    id: String,
    severity: String,
    tags: Vec<String>,
    description: String,
}

pub(super) fn rules<C, E>(call: &mut C, args: &[String], io: &mut Io<'_>) -> Result<i32, Error>
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    let mut config = None;
    let mut json = false;
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        match flag.name.as_str() {
            "h" | "help" => return write_help(io, RULES_HELP),
            "config" => config = Some(read_rule_file(&flags.value(&flag)?)?),
            "format" => {
                json = match flags.value(&flag)?.as_str() {
                    "text" => false,
                    "json" => true,
                    v => return Err(Error::Usage(format!("unknown format {v:?} (text or json)"))),
                }
            }
            _ => return Err(flag.unknown()),
        }
    }
    if !flags.positional.is_empty() {
        return Err(Error::Usage("rules takes no arguments".into()));
    }
    #[derive(Serialize)]
    struct RulesRequest<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        config: Option<&'a str>,
    }
    let request = serde_json::to_string(&RulesRequest {
        config: config.as_deref(),
    })
    .map_err(|e| Error::Failed(e.to_string()))?;
    let reply = call("rules", &request).map_err(|e| Error::Failed(e.to_string()))?;
    let out = if json {
        let value: serde_json::Value = serde_json::from_str(&reply)
            .map_err(|e| Error::Failed(format!("unexpected reply from rules: {e}")))?;
        let mut s = crate::report::to_json(&value, true);
        s.push('\n');
        s
    } else {
        let reply: RulesReply = serde_json::from_str(&reply)
            .map_err(|e| Error::Failed(format!("unexpected reply from rules: {e}")))?;
        rules_table(&reply.rules)
    };
    io.stdout
        .write_all(out.as_bytes())
        .and_then(|()| io.stdout.flush())
        .map_err(Error::Write)?;
    Ok(EXIT_CLEAN)
}

/// The rules as an aligned table (two spaces between columns), then a
/// count, laid out as the Go CLI lays it out.
fn rules_table(rules: &[RuleRow]) -> String {
    let header = ["RULE", "SEVERITY", "TAGS", "DESCRIPTION"];
    let rows: Vec<[String; 4]> = std::iter::once(header.map(str::to_owned))
        .chain(rules.iter().map(|r| {
            [
                r.id.clone(),
                r.severity.clone(),
                r.tags.join(","),
                r.description.clone(),
            ]
        }))
        .collect();
    let mut widths = [0usize; 3];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (w, cell) in widths.iter().zip(row) {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
        }
        out.push_str(&row[3]);
        out.push('\n');
    }
    out.push_str(&format!("\n{} rules\n", rules.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_table_aligns_columns() {
        let row = |id: &str, sev: &str, tags: &[&str], d: &str| RuleRow {
            id: id.into(),
            severity: sev.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            description: d.into(),
        };
        let got = rules_table(&[
            row("a", "high", &["x", "y"], "First"),
            row("long-rule-id", "low", &[], "Second"),
        ]);
        let want = "\
RULE          SEVERITY  TAGS  DESCRIPTION
a             high      x,y   First
long-rule-id  low             Second

2 rules
";
        assert_eq!(got, want);
    }
}
