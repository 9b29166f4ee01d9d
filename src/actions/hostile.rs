//! Test-only actions that misbehave on purpose, so that the hosts' tests can
//! prove a guest cannot take them down. Compiled only with the `hostile`
//! feature, into `dist/leakguard-hostile.wasm`; never in the shipped module.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::protocol::Failure;
use crate::router::{Action, Entry};

pub(crate) fn all() -> Vec<Entry> {
    vec![
        Entry::of::<Panic>(),
        Entry::of::<Loop>(),
        Entry::of::<Grow>(),
        Entry::of::<BigOutput>(),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Message {
    #[serde(default = "default_message")]
    message: String,
}

fn default_message() -> String {
    "hostile guest panicked on purpose".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Size {
    bytes: usize,
}

#[derive(Serialize)]
pub(crate) struct Never {}

fn object() -> Value {
    json!({ "type": "object" })
}

/// Panics with the given message: the host must report a `trap` carrying it.
pub(crate) struct Panic;

impl Action for Panic {
    const NAME: &'static str = "test-panic";
    const SUMMARY: &'static str = "Test only: panic with `message`.";
    type Input = Message;
    type Output = Never;
    fn input_schema() -> Value {
        object()
    }
    fn output_schema() -> Value {
        object()
    }
    fn run(input: Message) -> Result<Never, Failure> {
        panic!("{}", input.message)
    }
}

/// Spins forever: the host's deadline must stop it.
pub(crate) struct Loop;

impl Action for Loop {
    const NAME: &'static str = "test-loop";
    const SUMMARY: &'static str = "Test only: never return.";
    type Input = Value;
    type Output = Never;
    fn input_schema() -> Value {
        object()
    }
    fn output_schema() -> Value {
        object()
    }
    fn run(_: Value) -> Result<Never, Failure> {
        let mut n: u64 = 0;
        loop {
            // black_box keeps the optimiser from proving the loop has no
            // effect and deleting it.
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

/// Allocates (and touches) memory until the host's memory limit stops it.
pub(crate) struct Grow;

impl Action for Grow {
    const NAME: &'static str = "test-grow";
    const SUMMARY: &'static str = "Test only: allocate 1 MiB blocks without bound.";
    type Input = Value;
    type Output = Never;
    fn input_schema() -> Value {
        object()
    }
    fn output_schema() -> Value {
        object()
    }
    fn run(_: Value) -> Result<Never, Failure> {
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        loop {
            blocks.push(vec![1u8; 1 << 20]);
            std::hint::black_box(&blocks);
        }
    }
}

/// Returns a reply of about `bytes` bytes: the host's output limit must refuse it.
pub(crate) struct BigOutput;

#[derive(Serialize)]
pub(crate) struct Blob {
    blob: String,
}

impl Action for BigOutput {
    const NAME: &'static str = "test-big-output";
    const SUMMARY: &'static str = "Test only: reply with a string of `bytes` bytes.";
    type Input = Size;
    type Output = Blob;
    fn input_schema() -> Value {
        json!({ "type": "object", "properties": { "bytes": { "type": "integer" } }, "required": ["bytes"] })
    }
    fn output_schema() -> Value {
        object()
    }
    fn run(input: Size) -> Result<Blob, Failure> {
        Ok(Blob {
            blob: "x".repeat(input.bytes),
        })
    }
}
