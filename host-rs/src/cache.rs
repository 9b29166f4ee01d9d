//! The compilation cache: compiled components kept on disk, so that a
//! process that starts often does not pay the compilation every time.
//!
//! An entry is one file, `<dir>/<key>.cwasm`, holding a header, the plugin
//! bytes it was compiled from, and wasmtime's serialised component. The key
//! hashes the plugin bytes and the engine's compatibility hash (wasmtime
//! version and every setting that affects code generation), so that another
//! engine never picks up an entry; since the hash is not cryptographic, the
//! stored plugin bytes are compared in full before an entry is used, and a
//! collision is only a miss. wasmtime checks the artifact's own header
//! again when deserialising.
//!
//! The cache never makes loading fail: an unreadable, stale or corrupt entry
//! is logged, recompiled and replaced.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::Error;

const MAGIC: &[u8] = b"leakguard-host compiled plugin v1\n";

/// Load the component compiled from `bytes` from the cache in `dir`, or run
/// `compile` and store its result there.
///
/// # Errors
///
/// Only `compile`'s errors.
pub(crate) fn load_or_compile(
    engine: &Engine,
    bytes: &[u8],
    dir: &Path,
    compile: impl FnOnce() -> Result<Component, Error>,
) -> Result<Component, Error> {
    let path = entry_path(engine, bytes, dir);
    match load(engine, bytes, &path) {
        Ok(Some(component)) => return Ok(component),
        Ok(None) => {}
        Err(e) => log::warn!(
            "ignoring the compilation cache entry {}: {e}",
            path.display()
        ),
    }
    let component = compile()?;
    if let Err(e) = store(&component, bytes, &path) {
        log::warn!(
            "cannot write the compilation cache entry {}: {e}",
            path.display()
        );
    }
    Ok(component)
}

fn entry_path(engine: &Engine, bytes: &[u8], dir: &Path) -> PathBuf {
    let mut h = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    bytes.hash(&mut h);
    dir.join(format!("{:016x}.cwasm", h.finish()))
}

/// `Ok(None)` when there is no entry for exactly these bytes.
fn load(engine: &Engine, bytes: &[u8], path: &Path) -> Result<Option<Component>, String> {
    let file = match std::fs::read(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let Some(rest) = file.strip_prefix(MAGIC) else {
        return Err("not a cache entry".into());
    };
    let Some((len, rest)) = rest.split_first_chunk::<8>() else {
        return Err("truncated".into());
    };
    let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|e| e.to_string())?;
    if rest.len() < len || &rest[..len] != bytes {
        // Another plugin with the same key: recompile and take its place.
        return Ok(None);
    }
    // SAFETY: the artifact was written by `store` below, from
    // `Component::serialize` of a component compiled from exactly these
    // bytes (compared above); wasmtime checks that its header matches this
    // engine. The directory is the embedder's, and must be writable only by
    // the user running the host (see `Config::cache_dir`).
    let component = unsafe { Component::deserialize(engine, &rest[len..]) };
    component.map(Some).map_err(|e| e.to_string())
}

fn store(component: &Component, bytes: &[u8], path: &Path) -> std::io::Result<()> {
    let artifact = component.serialize().map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Write aside and rename, so that a concurrent reader never sees half
    // an entry.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&(bytes.len() as u64).to_le_bytes())?;
        f.write_all(bytes)?;
        f.write_all(&artifact)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
