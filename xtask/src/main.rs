//! Build tasks that need more than a shell line.
//!
//! `cargo run -p xtask -- componentize IN OUT` wraps the core module `IN`
//! (a `wasm32-wasip1` module carrying its WIT in a `component-type` section)
//! as a component at `OUT`, exactly as the Rust host does at load time when
//! it is handed the core module (`leakguard_host::componentize`).

use anyhow::{Context, Result, bail};

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
    let component = leakguard_host::componentize::componentize(&module)
        .with_context(|| format!("wrapping {input} as a component"))?;
    std::fs::write(output, component).with_context(|| format!("writing {output}"))?;
    Ok(())
}
