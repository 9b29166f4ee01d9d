//! The plugin's self-description, read and checked when the plugin loads.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// The protocol major version this host speaks. A plugin whose `describe`
/// publishes another major version is refused at load time.
pub const PROTOCOL_MAJOR: u32 = 1;

/// What a plugin says about itself (its `describe` export), checked at load
/// time: protocol version, plugin name and version, and its actions.
#[derive(Clone, Debug)]
pub struct Description {
    json: String,
    protocol: String,
    name: String,
    version: String,
    actions: Vec<ActionInfo>,
}

/// One action as the plugin describes it.
#[derive(Clone, Debug, Deserialize)]
pub struct ActionInfo {
    name: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    output: Value,
}

#[derive(Deserialize)]
struct Raw {
    protocol: String,
    plugin: RawPlugin,
    actions: Vec<ActionInfo>,
}

#[derive(Deserialize)]
struct RawPlugin {
    name: String,
    version: String,
}

impl Description {
    /// Read and check the self-description `json`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadPlugin`] when `json` is not a description (not JSON,
    /// missing `protocol`, `plugin` or `actions`), when its protocol version
    /// is not `MAJOR.MINOR`, or when the major version is not
    /// [`PROTOCOL_MAJOR`].
    pub fn parse(json: &str) -> Result<Description, Error> {
        let raw: Raw = serde_json::from_str(json).map_err(|e| {
            Error::with_source(
                ErrorKind::BadPlugin,
                format!("the plugin's self-description is invalid: {e}"),
                e,
            )
        })?;
        let major = raw
            .protocol
            .split_once('.')
            .filter(|(major, minor)| is_number(major) && is_number(minor))
            .map(|(major, _)| major.parse::<u32>())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadPlugin,
                    format!(
                        "the plugin's protocol version {:?} is not MAJOR.MINOR",
                        raw.protocol
                    ),
                )
            })?;
        if major != Ok(PROTOCOL_MAJOR) {
            return Err(Error::new(
                ErrorKind::BadPlugin,
                format!(
                    "the plugin speaks protocol {}; this host speaks {PROTOCOL_MAJOR}.x",
                    raw.protocol
                ),
            ));
        }
        Ok(Description {
            json: json.to_owned(),
            protocol: raw.protocol,
            name: raw.plugin.name,
            version: raw.plugin.version,
            actions: raw.actions,
        })
    }

    /// The description exactly as the plugin returned it (JSON text).
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The protocol version, `MAJOR.MINOR`.
    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The plugin's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The plugin's actions, in the order it lists them.
    pub fn actions(&self) -> &[ActionInfo] {
        &self.actions
    }

    /// The action called `name`, if the plugin has one.
    pub fn action(&self, name: &str) -> Option<&ActionInfo> {
        self.actions.iter().find(|a| a.name == name)
    }
}

impl ActionInfo {
    /// The action's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One line saying what the action does.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The JSON Schema of the action's request.
    pub fn input_schema(&self) -> &Value {
        &self.input
    }

    /// The JSON Schema of the action's reply.
    pub fn output_schema(&self) -> &Value {
        &self.output
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(protocol: &str) -> String {
        format!(
            r#"{{"protocol":{protocol},"plugin":{{"name":"p","version":"0.1.0"}},"actions":[{{"name":"ping","summary":"s","input":{{}},"output":{{}}}}]}}"#
        )
    }

    #[test]
    fn validation_table() {
        // (description, Ok(protocol) or Err(part of the message))
        let cases: Vec<(String, Result<&str, &str>)> = vec![
            (describe(r#""1.0""#), Ok("1.0")),
            (describe(r#""1.7""#), Ok("1.7")),
            (describe(r#""2.0""#), Err("speaks protocol 2.0")),
            (describe(r#""0.9""#), Err("speaks protocol 0.9")),
            (describe(r#""1""#), Err("not MAJOR.MINOR")),
            (describe(r#""1.x""#), Err("not MAJOR.MINOR")),
            (describe(r#""""#), Err("not MAJOR.MINOR")),
            (describe(r#""99999999999.0""#), Err("speaks protocol")),
            (describe("1"), Err("invalid")),
            ("not json".into(), Err("invalid")),
            ("{}".into(), Err("missing field `protocol`")),
            (
                r#"{"protocol":"1.0","actions":[]}"#.into(),
                Err("missing field `plugin`"),
            ),
            (
                r#"{"protocol":"1.0","plugin":{"name":"p","version":"1"}}"#.into(),
                Err("missing field `actions`"),
            ),
            (
                r#"{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[{}]}"#.into(),
                Err("missing field `name`"),
            ),
        ];
        for (json, want) in cases {
            match (Description::parse(&json), want) {
                (Ok(d), Ok(protocol)) => {
                    assert_eq!(d.protocol(), protocol);
                    assert_eq!(d.json(), json);
                }
                (Err(e), Err(part)) => {
                    assert_eq!(e.kind(), ErrorKind::BadPlugin, "{json}");
                    assert!(e.message().contains(part), "{json}: {e}");
                }
                (got, want) => panic!("{json}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn accessors() {
        let d = Description::parse(&describe(r#""1.0""#)).unwrap();
        assert_eq!((d.name(), d.version()), ("p", "0.1.0"));
        assert_eq!(d.actions().len(), 1);
        let ping = d.action("ping").unwrap();
        assert_eq!((ping.name(), ping.summary()), ("ping", "s"));
        assert!(ping.input_schema().is_object() && ping.output_schema().is_object());
        assert!(d.action("nope").is_none());
    }
}
