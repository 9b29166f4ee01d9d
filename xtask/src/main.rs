//! Build tasks that need more than a shell line.
//!
//! `cargo run -p xtask -- componentize IN OUT` wraps the core module `IN`
//! (a `wasm32-wasip1` module carrying its WIT in a `component-type` section)
//! as a component at `OUT`, adapting WASI preview 1 imports with the reactor
//! adapter that ships with the matching wasmtime release.

use anyhow::{Context, Result, bail};
use wit_component::ComponentEncoder;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["componentize", input, output] => componentize(input, output),
        _ => bail!("usage: xtask componentize IN.wasm OUT.wasm"),
    }
}

fn componentize(input: &str, output: &str) -> Result<()> {
    let module = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let adapter = wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER;
    let component = ComponentEncoder::default()
        .module(&module)
        .context("the module's component-type section")?
        .adapter("wasi_snapshot_preview1", adapter)
        .context("loading the WASI preview 1 reactor adapter")?
        .validate(true)
        .encode()
        .context("encoding the component")?;
    std::fs::write(output, component).with_context(|| format!("writing {output}"))?;
    Ok(())
}
