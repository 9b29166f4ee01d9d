//! Turns the default rule file (`src/rules/default.toml`) into static data
//! (`$OUT_DIR/default_rules.rs`, a `Tree` expression), so that the module
//! does not parse TOML when an instance starts. The rule file's own problems
//! are not judged here: the engine reports them at run time exactly as it
//! does for any rule file, and the tests require there are none. Examples
//! are left out; only the tests read them, from the TOML file itself.

use std::fmt::Write;
use std::{env, fs, path::Path};

const SOURCE: &str = "src/rules/default.toml";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    let text = fs::read_to_string(SOURCE).unwrap_or_else(|e| panic!("cannot read {SOURCE}: {e}"));
    let code = match text.parse::<toml::Table>() {
        Ok(table) => {
            let mut out = String::from("Ok(");
            emit(&toml::Value::Table(table), false, &mut out);
            out.push(')');
            out
        }
        // Reported at run time as the default set's problem (and failed by
        // the tests), rather than breaking every build of the crate.
        Err(e) => format!(
            "Err({:?})",
            format!("{SOURCE} is not valid TOML: {}", e.message())
        ),
    };
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("default_rules.rs");
    fs::write(&dest, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

/// Write `v` as a `Tree` expression. `in_rule` drops the examples.
fn emit(v: &toml::Value, in_rule: bool, out: &mut String) {
    match v {
        toml::Value::String(s) => write!(out, "Tree::Str({s:?})"),
        toml::Value::Integer(n) => write!(out, "Tree::Int({n})"),
        toml::Value::Float(x) if x.is_nan() => write!(out, "Tree::Float(f64::NAN)"),
        toml::Value::Float(x) if x.is_infinite() => {
            let sign = if *x < 0.0 { "-" } else { "" };
            write!(out, "Tree::Float({sign}f64::INFINITY)")
        }
        toml::Value::Float(x) => write!(out, "Tree::Float({x:?})"),
        toml::Value::Boolean(b) => write!(out, "Tree::Bool({b})"),
        toml::Value::Datetime(_) => write!(out, "Tree::Other(\"datetime\")"),
        toml::Value::Array(items) => {
            out.push_str("Tree::Array(std::borrow::Cow::Borrowed(&[");
            for item in items {
                emit(item, in_rule, out);
                out.push(',');
            }
            write!(out, "]))")
        }
        toml::Value::Table(t) => {
            out.push_str("Tree::Table(std::borrow::Cow::Borrowed(&[");
            for (k, item) in t {
                if in_rule && (k == "examples" || k == "negative_examples") {
                    continue;
                }
                write!(out, "({k:?},").unwrap();
                emit(item, k == "rules", out);
                out.push_str("),");
            }
            write!(out, "]))")
        }
    }
    .unwrap();
}
