//! The action registry: name -> handler, summary and JSON Schemas.
//!
//! Every action is a type implementing [`Action`]; [`Router`] erases the
//! types into a table and does the parts every action shares: the size
//! check, parsing (telling malformed JSON from the wrong shape), and
//! serialising the reply. `describe` is generated from the same table, so
//! the published schemas cannot drift from the registered actions.

use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::protocol::{ErrorCode, Failure, MAX_INPUT_BYTES, PROTOCOL_VERSION};

/// One action: typed input, typed output, a summary and schemas.
pub(crate) trait Action {
    /// The action's name on the wire (kebab-case, as in WIT).
    const NAME: &'static str;
    /// One line for `describe`.
    const SUMMARY: &'static str;
    /// The request document.
    type Input: DeserializeOwned;
    /// The reply document.
    type Output: Serialize;
    /// JSON Schema of [`Action::Input`].
    fn input_schema() -> Value;
    /// JSON Schema of [`Action::Output`].
    fn output_schema() -> Value;
    /// Run the action.
    fn run(input: Self::Input) -> Result<Self::Output, Failure>;
}

type Handler = fn(&str) -> Result<String, Failure>;

/// A registered action, its types erased.
pub(crate) struct Entry {
    name: &'static str,
    summary: &'static str,
    input_schema: fn() -> Value,
    output_schema: fn() -> Value,
    handler: Handler,
}

impl Entry {
    pub(crate) fn of<A: Action>() -> Entry {
        Entry {
            name: A::NAME,
            summary: A::SUMMARY,
            input_schema: A::input_schema,
            output_schema: A::output_schema,
            handler: handle::<A>,
        }
    }
}

/// Parse, run, serialise: the part every action shares.
fn handle<A: Action>(data: &str) -> Result<String, Failure> {
    let input: A::Input = parse(A::NAME, data)?;
    let output = A::run(input)?;
    serde_json::to_string(&output)
        .map_err(|e| Failure::internal(format!("cannot encode the reply of `{}`: {e}", A::NAME)))
}

/// Parse `data` for action `name`, telling malformed JSON (the text is not
/// JSON at all) from the wrong shape (JSON, but not what the action takes).
pub(crate) fn parse<T: DeserializeOwned>(name: &str, data: &str) -> Result<T, Failure> {
    let parsed = serde_json::from_str(data).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => {
                Failure::new(ErrorCode::Malformed, format!("data is not valid JSON: {e}"))
            }
            Category::Data => Failure::bad_request(format!("invalid input for `{name}`: {e}")),
        }
    })?;
    // serde accepts a struct written as an array; the protocol does not.
    if !data.trim_start().starts_with('{') {
        return Err(Failure::bad_request(format!(
            "the data of `{name}` must be a JSON object"
        )));
    }
    Ok(parsed)
}

/// The table of actions.
pub struct Router {
    entries: Vec<Entry>,
}

impl Router {
    pub(crate) fn new(mut entries: Vec<Entry>) -> Router {
        entries.sort_by_key(|e| e.name);
        Router { entries }
    }

    /// The router with every action this build registers.
    pub fn global() -> &'static Router {
        static ROUTER: OnceLock<Router> = OnceLock::new();
        ROUTER.get_or_init(|| Router::new(crate::actions::all()))
    }

    /// Run action `name` on `data` (JSON text) and return the reply (JSON text).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::TooLarge`] when `data` exceeds [`MAX_INPUT_BYTES`],
    /// [`ErrorCode::UnknownAction`] when no action is called `name`,
    /// [`ErrorCode::Malformed`] / [`ErrorCode::BadRequest`] when `data` is not
    /// JSON or not of the action's shape, and whatever the action returns.
    pub fn call(&self, name: &str, data: &str) -> Result<String, Failure> {
        if data.len() > MAX_INPUT_BYTES {
            return Err(Failure::too_large("data", data.len(), MAX_INPUT_BYTES));
        }
        match self.entries.binary_search_by_key(&name, |e| e.name) {
            Ok(i) => (self.entries[i].handler)(data),
            Err(_) => Err(Failure::new(
                ErrorCode::UnknownAction,
                format!(
                    "no action named `{}`; `describe` lists them",
                    truncate(name, 64)
                ),
            )),
        }
    }

    /// The plugin's self-description as a JSON value.
    pub fn describe_value(&self) -> Value {
        let actions: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "name": e.name,
                    "summary": e.summary,
                    "input": (e.input_schema)(),
                    "output": (e.output_schema)(),
                })
            })
            .collect();
        json!({
            "protocol": PROTOCOL_VERSION,
            "plugin": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
            "limits": { "max_input_bytes": MAX_INPUT_BYTES },
            "actions": actions,
        })
    }

    /// The plugin's self-description as JSON text.
    pub fn describe(&self) -> String {
        self.describe_value().to_string()
    }

    /// The registered action names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|e| e.name)
    }
}

/// Cut `s` to at most `max` bytes at a character boundary, so an echoed
/// name cannot make an error message arbitrarily large.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_by_case() {
        let r = Router::global();
        let big = format!("{{\"echo\":\"{}\"}}", "x".repeat(MAX_INPUT_BYTES));
        let cases: &[(&str, &str, ErrorCode)] = &[
            ("nope", "{}", ErrorCode::UnknownAction),
            ("", "{}", ErrorCode::UnknownAction),
            ("ping", "{", ErrorCode::Malformed),
            ("ping", "", ErrorCode::Malformed),
            ("ping", "not json", ErrorCode::Malformed),
            ("ping", "[]", ErrorCode::BadRequest),
            ("ping", "{\"bogus\":1}", ErrorCode::BadRequest),
            ("ping", &big, ErrorCode::TooLarge),
        ];
        for (name, data, want) in cases {
            let err = r.call(name, data).unwrap_err();
            assert_eq!(err.code(), *want, "{name} {}: {err}", truncate(data, 40));
            assert!(!err.message().is_empty());
        }
    }

    #[test]
    fn too_large_names_the_limit() {
        let big = "x".repeat(MAX_INPUT_BYTES + 1);
        let err = Router::global().call("ping", &big).unwrap_err();
        assert!(
            err.message().contains(&MAX_INPUT_BYTES.to_string()),
            "{err}"
        );
    }

    #[test]
    fn describe_lists_every_action_with_schemas() {
        let d = Router::global().describe_value();
        assert_eq!(d["protocol"], PROTOCOL_VERSION);
        let names: Vec<&str> = d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                assert!(a["summary"].as_str().is_some_and(|s| !s.is_empty()));
                assert!(a["input"].is_object() && a["output"].is_object());
                a["name"].as_str().unwrap()
            })
            .collect();
        assert!(names.contains(&"ping") && names.contains(&"describe"));
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h...");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
