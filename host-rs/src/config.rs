//! How a [`crate::Plugin`] is run: pool size, limits, deadline, cache, and
//! where the guest's output goes.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Which of the guest's output streams a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuestStream {
    /// The guest's standard output.
    Stdout,
    /// The guest's standard error (where a panicking guest says why).
    Stderr,
}

/// Receives the guest's output, one line at a time (without the newline).
pub type GuestOutput = dyn Fn(GuestStream, &str) + Send + Sync;

/// The default memory limit per linear memory of an instance: 256 MiB.
pub const DEFAULT_MEMORY_LIMIT: usize = 256 << 20;

/// The default deadline of a call: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default largest reply accepted from the guest: 64 MiB (a redacted
/// copy of the largest input, plus its findings).
pub const DEFAULT_MAX_OUTPUT: usize = 64 << 20;

/// Settings for loading and running a plugin. Build with the chained
/// methods, starting from [`Config::new`]:
///
/// ```
/// use std::time::Duration;
/// let config = leakguard_host::Config::new()
///     .pool_size(4)
///     .memory_limit(64 << 20)
///     .timeout(Some(Duration::from_secs(5)));
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct Config {
    pub(crate) pool_size: usize,
    pub(crate) memory_limit: usize,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_input: usize,
    pub(crate) max_output: usize,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) guest_output: Arc<GuestOutput>,
}

impl Config {
    /// The defaults: as many instances as the machine has cores, 256 MiB
    /// per memory, a 30 s deadline, the core's 16 MiB input limit, a 64 MiB
    /// reply limit, no compilation cache, guest output to the `log` facade
    /// (target `leakguard_host::guest`; stdout at `info`, stderr at `warn`).
    pub fn new() -> Config {
        Config {
            pool_size: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_limit: DEFAULT_MEMORY_LIMIT,
            timeout: Some(DEFAULT_TIMEOUT),
            max_input: leakguard::MAX_INPUT_BYTES,
            max_output: DEFAULT_MAX_OUTPUT,
            cache_dir: None,
            guest_output: Arc::new(log_guest_output),
        }
    }

    /// The most instances alive at once, hence the most calls running at
    /// once; further callers wait for a free instance (within their
    /// deadline). At least 1.
    pub fn pool_size(mut self, instances: usize) -> Config {
        self.pool_size = instances.max(1);
        self
    }

    /// The largest size, in bytes, that any linear memory of an instance may
    /// grow to. A guest that needs more fails with
    /// [`crate::ErrorKind::MemoryLimit`] and its instance is replaced.
    pub fn memory_limit(mut self, bytes: usize) -> Config {
        self.memory_limit = bytes;
        self
    }

    /// The deadline of a call that does not set its own
    /// ([`crate::CallOptions::timeout`]); `None` lets calls run for ever.
    /// Deadlines are checked every 10 ms, so a call stops at most about
    /// that much after its deadline.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Config {
        self.timeout = timeout;
        self
    }

    /// The largest `data` a call may send, in bytes; larger input fails with
    /// [`crate::ErrorKind::TooLarge`] without reaching the guest.
    pub fn max_input(mut self, bytes: usize) -> Config {
        self.max_input = bytes;
        self
    }

    /// The largest reply accepted from the guest, in bytes; a larger one
    /// fails with [`crate::ErrorKind::TooLarge`].
    pub fn max_output(mut self, bytes: usize) -> Config {
        self.max_output = bytes;
        self
    }

    /// Keep compiled plugins in `dir` (created if missing), so that a
    /// process that loads the same plugin again skips the compilation.
    ///
    /// # Notes
    ///
    /// Entries are keyed by the plugin's bytes and the engine's settings and
    /// hold a copy of the plugin bytes, compared in full before an entry is
    /// used. Compiled code from the cache is run as is: the directory must
    /// be writable only by the user running the host.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Config {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Send the guest's stdout and stderr, line by line, to `sink` instead
    /// of the `log` facade.
    pub fn guest_output(
        mut self,
        sink: impl Fn(GuestStream, &str) + Send + Sync + 'static,
    ) -> Config {
        self.guest_output = Arc::new(sink);
        self
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("pool_size", &self.pool_size)
            .field("memory_limit", &self.memory_limit)
            .field("timeout", &self.timeout)
            .field("max_input", &self.max_input)
            .field("max_output", &self.max_output)
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

fn log_guest_output(stream: GuestStream, line: &str) {
    const TARGET: &str = "leakguard_host::guest";
    match stream {
        GuestStream::Stdout => log::info!(target: TARGET, "stdout: {line}"),
        GuestStream::Stderr => log::warn!(target: TARGET, "stderr: {line}"),
    }
}
