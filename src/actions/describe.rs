//! `describe` as an action, so that event streams (stdio, queues) can ask for
//! the self-description the same way they ask for anything else.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::protocol::Failure;
use crate::router::{Action, Router};

pub(crate) struct Describe;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {}

impl Action for Describe {
    const NAME: &'static str = "describe";
    const SUMMARY: &'static str = "The plugin's self-description: protocol, name, version, limits and every action's schemas.";
    type Input = Input;
    type Output = Value;

    fn input_schema() -> Value {
        json!({ "type": "object", "additionalProperties": false })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "protocol": { "type": "string", "pattern": "^[0-9]+\\.[0-9]+$" },
                "plugin": {
                    "type": "object",
                    "properties": { "name": { "type": "string" }, "version": { "type": "string" } },
                    "required": ["name", "version"],
                },
                "limits": { "type": "object" },
                "actions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": { "type": "string" },
                            "summary": { "type": "string" },
                            "input": { "type": "object" },
                            "output": { "type": "object" },
                        },
                        "required": ["name", "summary", "input", "output"],
                    },
                },
            },
            "required": ["protocol", "plugin", "actions"],
        })
    }

    fn run(_: Input) -> Result<Value, Failure> {
        Ok(Router::global().describe_value())
    }
}
