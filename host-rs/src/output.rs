//! The guest's stdout and stderr: cut into lines for the configured sink,
//! and watched for the core's panic line so that a trap can say why the
//! guest crashed.
//!
//! Writes are handled synchronously: when a panicking guest has printed its
//! panic line and then trapped, the line is already here.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

use crate::config::{GuestOutput, GuestStream};

/// What the core's panic hook prints before the module aborts:
/// `leakguard: panic: <message> at <file>:<line>:<col>`.
const PANIC_PREFIX: &str = "leakguard: panic: ";

/// A line longer than this is passed on in pieces, so a guest cannot make
/// the host buffer without bound.
const MAX_LINE: usize = 16 << 10;

/// How much a guest may write in one go.
const WRITE_BUDGET: usize = 64 << 10;

/// One stream of one instance: shared by every handle the guest opens on it.
#[derive(Clone)]
pub(crate) struct GuestPipe {
    inner: Arc<Mutex<Lines>>,
}

struct Lines {
    stream: GuestStream,
    sink: Arc<GuestOutput>,
    partial: Vec<u8>,
    panic: Option<String>,
}

impl GuestPipe {
    pub(crate) fn new(stream: GuestStream, sink: Arc<GuestOutput>) -> GuestPipe {
        GuestPipe {
            inner: Arc::new(Mutex::new(Lines {
                stream,
                sink,
                partial: Vec::new(),
                panic: None,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Lines> {
        // A panicking sink cannot leave `Lines` inconsistent: keep going.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self, bytes: &[u8]) {
        self.lock().write(bytes);
    }

    /// The message of the last panic line printed since the last call to
    /// this method, if any (`<message> at <file>:<line>:<col>`).
    pub(crate) fn take_panic(&self) -> Option<String> {
        self.lock().panic.take()
    }
}

impl Lines {
    fn write(&mut self, mut bytes: &[u8]) {
        while let Some(i) = bytes.iter().position(|&b| b == b'\n') {
            self.partial.extend_from_slice(&bytes[..i]);
            self.emit();
            bytes = &bytes[i + 1..];
        }
        self.partial.extend_from_slice(bytes);
        while self.partial.len() > MAX_LINE {
            let rest = self.partial.split_off(MAX_LINE);
            self.emit();
            self.partial = rest;
        }
    }

    fn emit(&mut self) {
        let raw = std::mem::take(&mut self.partial);
        let line = String::from_utf8_lossy(&raw);
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if self.stream == GuestStream::Stderr
            && let Some(message) = line.strip_prefix(PANIC_PREFIX)
        {
            self.panic = Some(message.to_owned());
        }
        (self.sink)(self.stream, line);
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        if !self.partial.is_empty() {
            self.emit();
        }
    }
}

impl IsTerminal for GuestPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for GuestPipe {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        GuestPipe::write(self, &bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_BUDGET)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestPipe {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for GuestPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        GuestPipe::write(&self, buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(stream: GuestStream) -> (GuestPipe, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = {
            let seen = Arc::clone(&seen);
            Arc::new(move |s: GuestStream, line: &str| {
                assert_eq!(s, stream);
                seen.lock().unwrap().push(line.to_owned());
            })
        };
        (GuestPipe::new(stream, sink), seen)
    }

    #[test]
    fn lines_are_cut_across_writes() {
        let (pipe, seen) = collect(GuestStream::Stdout);
        for chunk in ["he", "llo\r\nwor", "ld\n\n", "tail"] {
            pipe.write(chunk.as_bytes());
        }
        assert_eq!(*seen.lock().unwrap(), ["hello", "world", ""]);
        drop(pipe);
        assert_eq!(*seen.lock().unwrap(), ["hello", "world", "", "tail"]);
    }

    #[test]
    fn long_lines_are_passed_on_in_pieces() {
        let (pipe, seen) = collect(GuestStream::Stdout);
        pipe.write(&vec![b'x'; MAX_LINE * 2 + 5]);
        let lens: Vec<usize> = seen.lock().unwrap().iter().map(String::len).collect();
        assert_eq!(lens, [MAX_LINE, MAX_LINE]);
    }

    #[test]
    fn the_panic_line_is_kept_on_stderr_only() {
        let (err, _) = collect(GuestStream::Stderr);
        err.write(b"noise\nleakguard: panic: boom at src/x.rs:1:2\nafter\n");
        assert_eq!(err.take_panic().as_deref(), Some("boom at src/x.rs:1:2"));
        assert_eq!(err.take_panic(), None);

        let (out, _) = collect(GuestStream::Stdout);
        out.write(b"leakguard: panic: not a panic\n");
        assert_eq!(out.take_panic(), None);
    }
}
