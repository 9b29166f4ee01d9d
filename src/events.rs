//! Events: actions travelling as a stream, each with a correlation id.
//!
//! One line in, at most one line out. Two dialects share the loop:
//!
//! * leakguard events: `{"cid": "7", "name": "ping", "data": {}}`, answered
//!   by `{"cid": "7", "data": {...}}` or `{"cid": "7", "error": {...}}`. The
//!   cid (a string or a number) is echoed byte for byte; an event without one
//!   is given `"auto-N"`, N being the event's line number.
//! * JSON-RPC 2.0: `{"jsonrpc": "2.0", "id": 7, "method": "ping", "params": {}}`,
//!   answered in that dialect, batches included. As JSON-RPC requires, a
//!   notification (no `id`) is run but not answered.
//!
//! A malformed line is answered with an error (`cid` null) and the loop goes
//! on; blank lines are skipped. `data` / `params` are handed to the action as
//! the exact text that arrived, and the reply is spliced in as the exact text
//! the action produced, so a reply here is byte-identical to what every host's
//! `call` returns for the same request.
//!
//! [`serve`] runs the loop on the core's own [`Router`]; [`serve_with`] runs
//! it on any `call` function, so that a host answers events in exactly this
//! format, with error codes of its own beside the core's ([`EventError`]).

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::protocol::{ErrorCode, Failure, MAX_INPUT_BYTES};
use crate::router::{Router, truncate};

/// The longest line the loop reads: the largest `data` plus room for the
/// envelope. Anything longer is answered with `too-large` and skipped.
pub const MAX_LINE_BYTES: usize = MAX_INPUT_BYTES + 64 * 1024;

/// A failure as the loop writes it: a wire code (`bad-request`, or a host's
/// own such as `timeout`), its JSON-RPC error number, and a message.
pub trait EventError {
    /// The code's wire name.
    fn code(&self) -> &str;
    /// The JSON-RPC 2.0 error code answered on that dialect.
    fn jsonrpc_code(&self) -> i32;
    /// The human-readable message.
    fn message(&self) -> &str;
}

impl EventError for Failure {
    fn code(&self) -> &str {
        Failure::code(self).as_str()
    }

    fn jsonrpc_code(&self) -> i32 {
        Failure::code(self).jsonrpc_code()
    }

    fn message(&self) -> &str {
        Failure::message(self)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct RpcErrorData<'a> {
    code: &'a str,
}

#[derive(Serialize)]
struct RpcErrorBody<'a> {
    code: i32,
    message: &'a str,
    data: RpcErrorData<'a>,
}

/// The reply to one event, as a JSON line (without the newline), or `None`
/// when the line needs none (blank, or JSON-RPC notifications only).
///
/// `line_no` is the 1-based line number, used to make a cid for events that
/// bring none.
pub fn handle_line(router: &Router, line: &[u8], line_no: u64) -> Option<String> {
    handle_line_with(
        &|name: &str, data: &str| router.call(name, data),
        line,
        line_no,
    )
}

/// [`handle_line`] with `call` running the actions.
pub fn handle_line_with<E: EventError>(
    call: &dyn Fn(&str, &str) -> Result<String, E>,
    line: &[u8],
    line_no: u64,
) -> Option<String> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Some(event_error(
            None,
            &Failure::new(
                ErrorCode::Malformed,
                format!("line {line_no} is not valid UTF-8"),
            ),
        ));
    };
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.starts_with('[') {
        return rpc_batch(call, text, line_no);
    }
    match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
        Ok(fields) => handle_object(call, &fields, line_no),
        Err(e) => Some(event_error(
            None,
            &Failure::new(
                ErrorCode::Malformed,
                format!("line {line_no} is not a JSON object: {e}"),
            ),
        )),
    }
}

fn handle_object<E: EventError>(
    call: &dyn Fn(&str, &str) -> Result<String, E>,
    fields: &BTreeMap<String, &RawValue>,
    line_no: u64,
) -> Option<String> {
    if fields.contains_key("jsonrpc") {
        return rpc_request(call, fields);
    }
    let cid_text;
    let cid = match fields.get("cid") {
        Some(raw) if is_id(raw) => raw.get(),
        Some(_) => {
            return Some(event_error(
                None,
                &Failure::bad_request("`cid` must be a string or a number"),
            ));
        }
        None => {
            cid_text = format!("\"auto-{line_no}\"");
            &cid_text
        }
    };
    for key in fields.keys() {
        if !matches!(key.as_str(), "cid" | "name" | "data") {
            let msg = format!(
                "unknown field `{}`; an event has `cid`, `name` and `data`",
                truncate(key, 64)
            );
            return Some(event_error(Some(cid), &Failure::bad_request(msg)));
        }
    }
    let name = match fields
        .get("name")
        .map(|raw| serde_json::from_str::<String>(raw.get()))
    {
        Some(Ok(name)) => name,
        Some(Err(_)) => {
            return Some(event_error(
                Some(cid),
                &Failure::bad_request("`name` must be a string"),
            ));
        }
        None => {
            return Some(event_error(
                Some(cid),
                &Failure::bad_request("missing field `name`"),
            ));
        }
    };
    let data = fields.get("data").map_or("{}", |raw| raw.get());
    Some(match call(&name, data) {
        Ok(reply) => format!("{{\"cid\":{cid},\"data\":{reply}}}"),
        Err(f) => event_error(Some(cid), &f),
    })
}

/// True for a cid / JSON-RPC id that may be echoed: a string or a number.
fn is_id(raw: &RawValue) -> bool {
    matches!(
        raw.get().as_bytes().first(),
        Some(b'"' | b'-' | b'0'..=b'9')
    )
}

fn event_error(cid: Option<&str>, f: &dyn EventError) -> String {
    let body = serde_json::to_string(&ErrorBody {
        code: f.code(),
        message: f.message(),
    })
    .expect("an error body always serialises");
    format!("{{\"cid\":{},\"error\":{body}}}", cid.unwrap_or("null"))
}

fn rpc_error(id: &str, f: &dyn EventError) -> String {
    let body = serde_json::to_string(&RpcErrorBody {
        code: f.jsonrpc_code(),
        message: f.message(),
        data: RpcErrorData { code: f.code() },
    })
    .expect("an error body always serialises");
    format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{body}}}")
}

fn rpc_request<E: EventError>(
    call: &dyn Fn(&str, &str) -> Result<String, E>,
    fields: &BTreeMap<String, &RawValue>,
) -> Option<String> {
    // JSON-RPC: a request without "id" is a notification and gets no reply.
    let id = match fields.get("id") {
        None => None,
        Some(raw) if is_id(raw) || raw.get() == "null" => Some(raw.get()),
        Some(_) => {
            return Some(rpc_error(
                "null",
                &Failure::bad_request("`id` must be a string, a number or null"),
            ));
        }
    };
    let reply_id = id.unwrap_or("null");
    if fields.get("jsonrpc").map(|v| v.get()) != Some("\"2.0\"") {
        return Some(rpc_error(
            reply_id,
            &Failure::bad_request("`jsonrpc` must be \"2.0\""),
        ));
    }
    for key in fields.keys() {
        if !matches!(key.as_str(), "jsonrpc" | "id" | "method" | "params") {
            let msg = format!(
                "unknown member `{}` in a JSON-RPC request",
                truncate(key, 64)
            );
            return Some(rpc_error(reply_id, &Failure::bad_request(msg)));
        }
    }
    let method = match fields
        .get("method")
        .map(|raw| serde_json::from_str::<String>(raw.get()))
    {
        Some(Ok(m)) => m,
        _ => {
            return Some(rpc_error(
                reply_id,
                &Failure::bad_request("`method` must be a string"),
            ));
        }
    };
    let params = fields.get("params").map_or("{}", |raw| raw.get());
    let result = call(&method, params);
    let id = id?;
    Some(match result {
        Ok(reply) => format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{reply}}}"),
        Err(f) => rpc_error(id, &f),
    })
}

fn rpc_batch<E: EventError>(
    call: &dyn Fn(&str, &str) -> Result<String, E>,
    text: &str,
    line_no: u64,
) -> Option<String> {
    let items: Vec<&RawValue> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(e) => {
            let f = Failure::new(
                ErrorCode::Malformed,
                format!("line {line_no} is not valid JSON: {e}"),
            );
            return Some(rpc_error("null", &f));
        }
    };
    if items.is_empty() {
        return Some(rpc_error(
            "null",
            &Failure::bad_request("an empty JSON-RPC batch"),
        ));
    }
    let replies: Vec<String> = items
        .iter()
        .filter_map(
            |item| match serde_json::from_str::<BTreeMap<String, &RawValue>>(item.get()) {
                Ok(fields) => rpc_request(call, &fields),
                Err(_) => Some(rpc_error(
                    "null",
                    &Failure::bad_request("a batch item must be a JSON-RPC request object"),
                )),
            },
        )
        .collect();
    if replies.is_empty() {
        None
    } else {
        Some(format!("[{}]", replies.join(",")))
    }
}

/// Serve events from `input` to `output` until end of input: one reply line
/// per event, flushed as it is written so that interactive clients see it.
///
/// # Errors
///
/// Only I/O errors on `input` or `output`; bad events are answered, not
/// returned.
pub fn serve(router: &Router, input: &mut impl BufRead, output: &mut impl Write) -> io::Result<()> {
    serve_with(|name, data| router.call(name, data), input, output)
}

/// [`serve`] with `call` running the actions: how a host serves events in
/// the module's own format.
///
/// # Errors
///
/// Only I/O errors on `input` or `output`.
pub fn serve_with<E: EventError>(
    call: impl Fn(&str, &str) -> Result<String, E>,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> io::Result<()> {
    let mut line = Vec::new();
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n =
            io::Read::take(&mut *input, MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let reply = if line.len() > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            // Skip the rest of the oversized line without holding it.
            let mut skipped = line.len();
            loop {
                let buf = input.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        skipped += i + 1;
                        input.consume(i + 1);
                        break;
                    }
                    None => {
                        let len = buf.len();
                        skipped += len;
                        input.consume(len);
                    }
                }
            }
            Some(event_error(
                None,
                &Failure::too_large(&format!("line {line_no}"), skipped, MAX_LINE_BYTES),
            ))
        } else {
            handle_line_with(&call, &line, line_no)
        };
        if let Some(reply) = reply {
            output.write_all(reply.as_bytes())?;
            output.write_all(b"\n")?;
            output.flush()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str) -> Option<String> {
        handle_line(Router::global(), line.as_bytes(), 3)
    }

    #[test]
    fn table() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"{"cid":"a1","name":"ping","data":{}}"#,
                Some(r#"{"cid":"a1","data":{"pong":true}}"#),
            ),
            (
                r#"{"cid":12,"name":"ping","data":{"echo":[1, 2]}}"#,
                Some(r#"{"cid":12,"data":{"pong":true,"echo":[1,2]}}"#),
            ),
            (
                r#"{"name":"ping"}"#,
                Some(r#"{"cid":"auto-3","data":{"pong":true}}"#),
            ),
            (
                r#"{"cid":"x","name":"nope","data":{}}"#,
                Some(
                    r#"{"cid":"x","error":{"code":"unknown-action","message":"no action named `nope`; `describe` lists them"}}"#,
                ),
            ),
            (
                r#"{"cid":"x","data":{}}"#,
                Some(
                    r#"{"cid":"x","error":{"code":"bad-request","message":"missing field `name`"}}"#,
                ),
            ),
            (
                r#"{"cid":{},"name":"ping"}"#,
                Some(
                    r#"{"cid":null,"error":{"code":"bad-request","message":"`cid` must be a string or a number"}}"#,
                ),
            ),
            (
                r#"{"cid":"x","name":"ping","extra":1}"#,
                Some(
                    r#"{"cid":"x","error":{"code":"bad-request","message":"unknown field `extra`; an event has `cid`, `name` and `data`"}}"#,
                ),
            ),
            ("", None),
            ("   \r", None),
            (
                r#"{"jsonrpc":"2.0","id":7,"method":"ping","params":{}}"#,
                Some(r#"{"jsonrpc":"2.0","id":7,"result":{"pong":true}}"#),
            ),
            (
                r#"{"jsonrpc":"2.0","id":"q","method":"nope"}"#,
                Some(
                    r#"{"jsonrpc":"2.0","id":"q","error":{"code":-32601,"message":"no action named `nope`; `describe` lists them","data":{"code":"unknown-action"}}}"#,
                ),
            ),
            (r#"{"jsonrpc":"2.0","method":"ping"}"#, None),
            (
                r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
                Some(
                    r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"`jsonrpc` must be \"2.0\"","data":{"code":"bad-request"}}}"#,
                ),
            ),
            (
                r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping","params":{"echo":"b"}}]"#,
                Some(
                    r#"[{"jsonrpc":"2.0","id":1,"result":{"pong":true}},{"jsonrpc":"2.0","id":2,"result":{"pong":true,"echo":"b"}}]"#,
                ),
            ),
            (
                "[]",
                Some(
                    r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"an empty JSON-RPC batch","data":{"code":"bad-request"}}}"#,
                ),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(reply(line).as_deref(), *want, "line: {line}");
        }
    }

    #[test]
    fn malformed_lines_get_an_error_and_the_loop_goes_on() {
        let input =
            b"not json\n{\"cid\":1,\"name\":\"ping\"}\n\xff\xfe\n{\"cid\":2,\"name\":\"ping\"}";
        let mut out = Vec::new();
        serve(Router::global(), &mut &input[..], &mut out).unwrap();
        let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(
            lines[0].starts_with(r#"{"cid":null,"error":{"code":"malformed""#),
            "{}",
            lines[0]
        );
        assert_eq!(lines[1], r#"{"cid":1,"data":{"pong":true}}"#);
        assert!(lines[2].contains("not valid UTF-8"), "{}", lines[2]);
        assert_eq!(lines[3], r#"{"cid":2,"data":{"pong":true}}"#);
    }

    #[test]
    fn an_oversized_line_is_refused_and_skipped() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 10];
        input.extend_from_slice(b"\n{\"cid\":1,\"name\":\"ping\"}\n");
        let mut out = Vec::new();
        serve(Router::global(), &mut &input[..], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].contains("\"too-large\"") && lines[0].contains(&MAX_LINE_BYTES.to_string())
        );
        assert_eq!(lines[1], r#"{"cid":1,"data":{"pong":true}}"#);
    }
}
