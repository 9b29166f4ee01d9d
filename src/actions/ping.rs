//! `ping`: the cheapest round trip, for health checks and for measuring the
//! boundary itself. It echoes an optional value so that callers can match
//! replies to requests.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::protocol::Failure;
use crate::router::Action;

pub(crate) struct Ping;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    #[serde(default)]
    echo: Option<Value>,
}

#[derive(Serialize)]
pub(crate) struct Output {
    pong: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    echo: Option<Value>,
}

impl Action for Ping {
    const NAME: &'static str = "ping";
    const SUMMARY: &'static str = "Answer {\"pong\":true}, echoing `echo` if given.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        json!({
            "type": "object",
            "properties": { "echo": { "description": "Any JSON value; returned unchanged." } },
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "properties": { "pong": { "const": true }, "echo": {} },
            "required": ["pong"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        Ok(Output {
            pong: true,
            echo: input.echo,
        })
    }
}
