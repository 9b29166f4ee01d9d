//! [`Plugin`]: a compiled plugin and a bounded pool of its instances.

use std::borrow::Cow;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, ResourceLimiter, Store, UpdateDeadline};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::componentize::{componentize, is_core_module};
use crate::config::{Config, GuestOutput, GuestStream};
use crate::describe::Description;
use crate::error::{Error, ErrorKind};
use crate::output::GuestPipe;

/// The typed bindings of `wit/action.wit`, world `plugin`.
mod bindings {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../wit",
    });
}

use bindings::exports::leakguard::plugin::action as wit;

/// How often the engine's epoch advances: the granularity of deadlines and
/// cancellation.
const TICK: Duration = Duration::from_millis(10);

/// The longest action name sent to the guest. Real names are short; this
/// only keeps a caller from pushing megabytes through the name.
const MAX_NAME_BYTES: usize = 4096;

/// Table growth beyond this many elements is refused (the core needs a few
/// hundred).
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// A loaded leakguard plugin: compiled once, run by a bounded pool of
/// instances.
///
/// `Plugin` is cheap to clone (clones share the pool) and can be used from
/// any number of threads: each call borrows an idle instance, creates one if
/// the pool is not full, or waits for one to be returned.
///
/// ```no_run
/// use leakguard_host::{Config, Plugin};
///
/// let plugin = Plugin::from_file("dist/leakguard.component.wasm", &Config::new())?;
/// assert_eq!(plugin.call("ping", "{}")?, r#"{"pong":true}"#);
/// # Ok::<(), leakguard_host::Error>(())
/// ```
///
/// # Notes
///
/// A guest that traps, runs past its deadline, is cancelled or exceeds its
/// memory limit loses its instance: the caller gets the error, the instance
/// is dropped, and a later call creates a fresh one. The guest gets no
/// files, network, environment or arguments; its stdout and stderr go to
/// [`Config::guest_output`].
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    pre: bindings::PluginPre<State>,
    settings: Settings,
    description: Description,
    pool: Mutex<Pool>,
    returned: Condvar,
    _ticker: Ticker,
}

/// The parts of [`Config`] that matter after loading.
struct Settings {
    pool_size: usize,
    memory_limit: usize,
    timeout: Option<Duration>,
    max_input: usize,
    max_output: usize,
    guest_output: Arc<GuestOutput>,
}

struct Pool {
    idle: Vec<Instance>,
    /// Instances in existence: idle, lent out, or being created.
    live: usize,
    /// Callers waiting on `Inner::returned`. Waking a condition variable
    /// costs a system call even when nobody waits, which would be a good
    /// part of a `ping`, so it is only done when somebody does.
    waiting: usize,
    closed: bool,
}

/// One instance and its store.
struct Instance {
    store: Store<State>,
    plugin: bindings::Plugin,
    stderr: GuestPipe,
}

/// What a store carries for its instance.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    memory: MemoryLimiter,
    call: CallState,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

struct MemoryLimiter {
    limit: usize,
    /// The size of the last growth refused during the current call.
    refused: Option<usize>,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.refused = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

/// The running call, as seen by the epoch callback.
#[derive(Default)]
struct CallState {
    started: Option<Instant>,
    deadline: Option<Instant>,
    cancel: Option<CancelToken>,
    /// Why the epoch callback stopped the guest, if it did.
    stopped: Option<ErrorKind>,
}

/// Options of one call: its deadline and a way to cancel it.
///
/// ```
/// use std::time::Duration;
/// use leakguard_host::{CallOptions, CancelToken};
///
/// let cancel = CancelToken::new();
/// let options = CallOptions::new()
///     .timeout(Duration::from_millis(250))
///     .cancel(cancel.clone());
/// // Another thread may now call `cancel.cancel()` to stop the call.
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    cancel: Option<CancelToken>,
}

impl CallOptions {
    /// No options: the plugin's default timeout, no cancellation.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }

    /// Stop the call `timeout` after it starts (waiting for a free instance
    /// included), instead of after the configured default.
    pub fn timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = Some(timeout);
        self
    }

    /// Stop the call at `deadline`. With [`CallOptions::timeout`] too, the
    /// earlier of the two applies.
    pub fn deadline(mut self, deadline: Instant) -> CallOptions {
        self.deadline = Some(deadline);
        self
    }

    /// Stop the call with [`ErrorKind::Cancelled`] when `token` is
    /// cancelled.
    pub fn cancel(mut self, token: CancelToken) -> CallOptions {
        self.cancel = Some(token);
        self
    }

    fn effective_deadline(&self, started: Instant, default: Option<Duration>) -> Option<Instant> {
        let by_timeout = self.timeout.map(|t| started + t);
        match (self.deadline, by_timeout) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(d), None) | (None, Some(d)) => Some(d),
            (None, None) => default.map(|t| started + t),
        }
    }
}

/// Cancels the calls it was given to (see [`CallOptions::cancel`]), from any
/// thread. Clones share the same state; a cancelled token stays cancelled.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancel every call using this token. A running guest is stopped
    /// within about 10 ms.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Plugin {
    /// Load the plugin in the file at `path` (a component, or a core module
    /// that is wrapped as one).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadPlugin`] when the file cannot be read, and everything
    /// [`Plugin::new`] returns.
    pub fn from_file(path: impl AsRef<Path>, config: &Config) -> Result<Plugin, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| {
            Error::with_source(
                ErrorKind::BadPlugin,
                format!("cannot read the plugin {}: {e}", path.display()),
                e,
            )
        })?;
        Plugin::new(&bytes, config)
    }

    /// Load the plugin `bytes`: a component exporting
    /// `leakguard:plugin/action@0.1.0`, or the core module it is built from
    /// (which is wrapped as a component first, see
    /// [`crate::componentize`]). Compiles it (or takes it from the cache),
    /// creates the first instance and checks its self-description.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadPlugin`] when the bytes are not a valid component or
    /// module, lack the plugin's exports, import something this host does
    /// not provide, or describe themselves with another protocol major
    /// version; [`ErrorKind::MemoryLimit`] when the first instance does not
    /// fit in the memory limit.
    pub fn new(bytes: &[u8], config: &Config) -> Result<Plugin, Error> {
        let mut engine_config = wasmtime::Config::new();
        engine_config.epoch_interruption(true);
        let engine = Engine::new(&engine_config).map_err(|e| {
            let message = format!("cannot set up wasmtime: {e}");
            Error::with_source(ErrorKind::Internal, message, e.into_boxed_dyn_error())
        })?;

        let compile = || {
            let component_bytes = if is_core_module(bytes) {
                Cow::Owned(componentize(bytes)?)
            } else {
                Cow::Borrowed(bytes)
            };
            Component::new(&engine, &component_bytes)
                .map_err(|e| wasm_error(e, "not a valid component"))
        };
        let component = match &config.cache_dir {
            Some(dir) => crate::cache::load_or_compile(&engine, bytes, dir, compile)?,
            None => compile()?,
        };

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| {
            let message = format!("cannot provide WASI to the plugin: {e}");
            Error::with_source(ErrorKind::Internal, message, e.into_boxed_dyn_error())
        })?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| wasm_error(e, "the plugin imports what this host does not provide"))?;
        let pre = bindings::PluginPre::new(instance_pre).map_err(|e| {
            wasm_error(
                e,
                "the plugin does not export the interface leakguard:plugin/action@0.1.0",
            )
        })?;

        let settings = Settings {
            pool_size: config.pool_size,
            memory_limit: config.memory_limit,
            timeout: config.timeout,
            max_input: config.max_input,
            max_output: config.max_output,
            guest_output: Arc::clone(&config.guest_output),
        };
        let ticker = Ticker::start(engine.clone())?;
        let started = Instant::now();
        let deadline = settings.timeout.map(|t| started + t);
        let mut first = Instance::new(&engine, &pre, &settings, deadline)?;
        first.begin(started, deadline, None);
        let described = first
            .plugin
            .leakguard_plugin_action()
            .call_describe(&mut first.store);
        let json = described.map_err(|e| {
            let cause = first.failure(e, &settings);
            Error::with_source(
                ErrorKind::BadPlugin,
                format!("the plugin's describe failed: {}", cause.message()),
                cause,
            )
        })?;
        first.end();
        let description = Description::parse(&json)?;

        Ok(Plugin {
            inner: Arc::new(Inner {
                engine,
                pre,
                settings,
                description,
                pool: Mutex::new(Pool {
                    idle: vec![first],
                    live: 1,
                    waiting: 0,
                    closed: false,
                }),
                returned: Condvar::new(),
                _ticker: ticker,
            }),
        })
    }

    /// The plugin's self-description, read and checked at load time.
    pub fn describe(&self) -> &Description {
        &self.inner.description
    }

    /// Run action `name` on `data` (JSON text) and return its reply (JSON
    /// text), with the default deadline.
    ///
    /// # Errors
    ///
    /// The plugin's own failures ([`ErrorKind::UnknownAction`],
    /// [`ErrorKind::Malformed`], [`ErrorKind::BadRequest`],
    /// [`ErrorKind::TooLarge`], [`ErrorKind::Internal`]) with its message;
    /// [`ErrorKind::TooLarge`] for input or a reply over the configured
    /// limits; [`ErrorKind::Trap`] (with the guest's panic message when it
    /// panicked), [`ErrorKind::Timeout`], [`ErrorKind::MemoryLimit`], and
    /// [`ErrorKind::Closed`] after [`Plugin::close`].
    pub fn call(&self, name: &str, data: &str) -> Result<String, Error> {
        self.call_with(name, data, &CallOptions::default())
    }

    /// [`Plugin::call`] with a deadline and/or a cancellation token.
    ///
    /// # Errors
    ///
    /// As [`Plugin::call`], and [`ErrorKind::Cancelled`] when the token is
    /// cancelled before the guest returns.
    pub fn call_with(
        &self,
        name: &str,
        data: &str,
        options: &CallOptions,
    ) -> Result<String, Error> {
        let inner = &*self.inner;
        let settings = &inner.settings;
        if name.len() > MAX_NAME_BYTES {
            return Err(Error::too_large(
                "the action name",
                name.len(),
                MAX_NAME_BYTES,
            ));
        }
        if data.len() > settings.max_input {
            return Err(Error::too_large("data", data.len(), settings.max_input));
        }
        let started = Instant::now();
        let deadline = options.effective_deadline(started, settings.timeout);
        let cancel = options.cancel.as_ref();
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return Err(cancelled());
        }
        let mut lease = inner.acquire(started, deadline, cancel)?;
        let instance = lease.instance();
        instance.begin(started, deadline, cancel.cloned());
        let result =
            instance
                .plugin
                .leakguard_plugin_action()
                .call_call(&mut instance.store, name, data);
        if result.is_ok() {
            // (On failure, `failure` reads the call's state first.)
            instance.end();
        }
        match result {
            Ok(Ok(reply)) if reply.len() > settings.max_output => Err(Error::too_large(
                "the reply",
                reply.len(),
                settings.max_output,
            )),
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(failure)) => Err(Error::new(kind_of(failure.code), failure.message)),
            Err(e) => {
                let err = instance.failure(e, settings);
                lease.discard();
                Err(err)
            }
        }
    }

    /// Serve events from `input` to `output` until the end of input: JSON
    /// lines `{"cid":..,"name":..,"data":..}` (or JSON-RPC 2.0 requests),
    /// one reply line each, in order, in exactly the format of the module's
    /// own stdio loop. Host failures are answered with their own codes
    /// (`{"cid":..,"error":{"code":"timeout","message":..}}`).
    ///
    /// # Errors
    ///
    /// Only I/O errors on `input` or `output`; bad events and failed calls
    /// are answered, not returned.
    pub fn serve_events(
        &self,
        input: &mut impl BufRead,
        output: &mut impl Write,
    ) -> io::Result<()> {
        leakguard::events::serve_with(|name, data| self.call(name, data), input, output)
    }

    /// Refuse further calls with [`ErrorKind::Closed`] and drop the idle
    /// instances. Calls already running finish; their instances are dropped
    /// when they return. Affects every clone of this `Plugin`.
    pub fn close(&self) {
        let idle = {
            let mut pool = self.inner.lock();
            pool.closed = true;
            pool.live -= pool.idle.len();
            std::mem::take(&mut pool.idle)
        };
        self.inner.returned.notify_all();
        drop(idle);
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Pool> {
        // The pool is never left half-updated by a panic; carry on.
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An instance for one call: an idle one, a new one if the pool is not
    /// full, or the next one returned, within the deadline.
    fn acquire(
        &self,
        started: Instant,
        deadline: Option<Instant>,
        cancel: Option<&CancelToken>,
    ) -> Result<Lease<'_>, Error> {
        let mut pool = self.lock();
        loop {
            if pool.closed {
                return Err(Error::new(ErrorKind::Closed, "the plugin is closed"));
            }
            if let Some(instance) = pool.idle.pop() {
                return Ok(Lease::new(self, instance));
            }
            if pool.live < self.settings.pool_size {
                pool.live += 1;
                drop(pool);
                return match Instance::new(&self.engine, &self.pre, &self.settings, deadline) {
                    Ok(instance) => Ok(Lease::new(self, instance)),
                    Err(e) => {
                        self.release_slot(None);
                        Err(e)
                    }
                };
            }
            if cancel.is_some_and(CancelToken::is_cancelled) {
                return Err(cancelled());
            }
            let now = Instant::now();
            let mut wait = match deadline {
                Some(d) if d <= now => {
                    return Err(timed_out(started, "waiting for a free instance"));
                }
                Some(d) => Some(d - now),
                None => None,
            };
            if cancel.is_some() {
                // Cancellation cannot wake a condition variable: look again
                // every tick.
                wait = Some(wait.map_or(TICK, |w| w.min(TICK)));
            }
            pool.waiting += 1;
            pool = match wait {
                Some(w) => {
                    self.returned
                        .wait_timeout(pool, w)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .returned
                    .wait(pool)
                    .unwrap_or_else(PoisonError::into_inner),
            };
            pool.waiting -= 1;
        }
    }

    /// Give an instance back to the pool, or with `None` (or once closed)
    /// free its place, and wake one waiting caller if there is one.
    fn release_slot(&self, instance: Option<Instance>) {
        let mut pool = self.lock();
        let dropped = match instance {
            Some(instance) if !pool.closed => {
                pool.idle.push(instance);
                None
            }
            other => {
                pool.live -= 1;
                other
            }
        };
        let wake = pool.waiting > 0;
        drop(pool);
        if wake {
            self.returned.notify_one();
        }
        // Dropping a store unmaps its memory: not under the lock.
        drop(dropped);
    }
}

/// An instance lent to one call; returned to the pool when dropped, unless
/// discarded.
struct Lease<'a> {
    inner: &'a Inner,
    instance: Option<Instance>,
}

impl<'a> Lease<'a> {
    fn new(inner: &'a Inner, instance: Instance) -> Lease<'a> {
        Lease {
            inner,
            instance: Some(instance),
        }
    }

    fn instance(&mut self) -> &mut Instance {
        self.instance
            .as_mut()
            .expect("a lease holds its instance until dropped")
    }

    /// Drop the instance instead of returning it (after a trap, a timeout,
    /// a cancellation: its state can no longer be trusted).
    fn discard(mut self) {
        drop(self.instance.take());
        self.inner.release_slot(None);
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(instance) = self.instance.take() {
            self.inner.release_slot(Some(instance));
        }
    }
}

impl Instance {
    fn new(
        engine: &Engine,
        pre: &bindings::PluginPre<State>,
        settings: &Settings,
        deadline: Option<Instant>,
    ) -> Result<Instance, Error> {
        let stdout = GuestPipe::new(GuestStream::Stdout, Arc::clone(&settings.guest_output));
        let stderr = GuestPipe::new(GuestStream::Stderr, Arc::clone(&settings.guest_output));
        // Nothing inherited: no files, environment, arguments or network.
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout)
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let state = State {
            wasi,
            table: ResourceTable::new(),
            memory: MemoryLimiter {
                limit: settings.memory_limit,
                refused: None,
            },
            call: CallState::default(),
        };
        let mut store = Store::new(engine, state);
        store.limiter(|state| &mut state.memory);
        store.epoch_deadline_callback(|mut ctx| {
            let call = &mut ctx.data_mut().call;
            let stop = if call.cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
                Some(ErrorKind::Cancelled)
            } else if call.deadline.is_some_and(|d| Instant::now() >= d) {
                Some(ErrorKind::Timeout)
            } else {
                None
            };
            Ok(match stop {
                Some(kind) => {
                    call.stopped = Some(kind);
                    UpdateDeadline::Interrupt
                }
                None => UpdateDeadline::Continue(1),
            })
        });
        // Instantiation runs guest code too (the module's initialisation),
        // so it is bounded by the call's deadline as well.
        store.data_mut().call = CallState {
            started: Some(Instant::now()),
            deadline,
            ..CallState::default()
        };
        store.set_epoch_deadline(1);
        match pre.instantiate(&mut store) {
            Ok(plugin) => {
                let mut instance = Instance {
                    store,
                    plugin,
                    stderr,
                };
                instance.end();
                Ok(instance)
            }
            Err(e) => Err(failure(&mut store, &stderr, e, settings)),
        }
    }

    /// Arm the deadline and cancellation for one call.
    fn begin(&mut self, started: Instant, deadline: Option<Instant>, cancel: Option<CancelToken>) {
        let state = self.store.data_mut();
        state.call = CallState {
            started: Some(started),
            deadline,
            cancel,
            stopped: None,
        };
        state.memory.refused = None;
        self.stderr.take_panic();
        self.store.set_epoch_deadline(1);
    }

    /// Forget the call's deadline and token (an idle instance holds none).
    fn end(&mut self) {
        self.store.data_mut().call = CallState::default();
    }

    /// The error for a call that failed in the guest.
    fn failure(&mut self, e: wasmtime::Error, settings: &Settings) -> Error {
        failure(&mut self.store, &self.stderr, e, settings)
    }
}

/// Why the guest stopped: stopped by the epoch callback, refused memory, a
/// panic it announced on stderr, or some other trap.
fn failure(
    store: &mut Store<State>,
    stderr: &GuestPipe,
    e: wasmtime::Error,
    settings: &Settings,
) -> Error {
    let state = store.data_mut();
    let call = std::mem::take(&mut state.call);
    // The trap's own words ("wasm `unreachable` instruction executed"); the
    // whole error, wasm backtrace included, stays available as the source.
    let trap = e.downcast_ref::<wasmtime::Trap>().map(ToString::to_string);
    let source = e.into_boxed_dyn_error();
    match call.stopped {
        Some(ErrorKind::Cancelled) => return with_source(cancelled(), source),
        Some(_) => {
            let started = call.started.unwrap_or_else(Instant::now);
            return with_source(timed_out(started, "running"), source);
        }
        None => {}
    }
    if let Some(desired) = state.memory.refused.take() {
        let message = format!(
            "the plugin tried to grow a memory to {desired} bytes; the limit is {} bytes",
            settings.memory_limit
        );
        return Error::with_source(ErrorKind::MemoryLimit, message, source);
    }
    let message = match (stderr.take_panic(), trap) {
        (Some(panic), _) => format!("the plugin panicked: {panic}"),
        (None, Some(trap)) => format!("the plugin trapped: {trap}"),
        (None, None) => format!("the plugin failed: {}", chain(&*source)),
    };
    Error::with_source(ErrorKind::Trap, message, source)
}

fn with_source(err: Error, source: Box<dyn std::error::Error + Send + Sync>) -> Error {
    let kind = err.kind();
    Error::with_source(kind, err.message().to_owned(), source)
}

fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "the call was cancelled")
}

fn timed_out(started: Instant, doing: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "the call passed its deadline after {} ms ({doing})",
            started.elapsed().as_millis()
        ),
    )
}

/// `e` and its causes, `: `-separated.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        next = cause.source();
    }
    text
}

/// A [`ErrorKind::BadPlugin`] error for wasmtime's refusal of the plugin.
fn wasm_error(e: wasmtime::Error, what: &str) -> Error {
    let source = e.into_boxed_dyn_error();
    let message = format!("{what}: {}", chain(&*source));
    Error::with_source(ErrorKind::BadPlugin, message, source)
}

fn kind_of(code: wit::ErrorCode) -> ErrorKind {
    match code {
        wit::ErrorCode::UnknownAction => ErrorKind::UnknownAction,
        wit::ErrorCode::Malformed => ErrorKind::Malformed,
        wit::ErrorCode::BadRequest => ErrorKind::BadRequest,
        wit::ErrorCode::TooLarge => ErrorKind::TooLarge,
        wit::ErrorCode::Internal => ErrorKind::Internal,
    }
}

/// The thread that advances the engine's epoch every [`TICK`], which is
/// what lets deadlines and cancellation interrupt a running guest. It stops
/// when the plugin is dropped.
struct Ticker {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine) -> Result<Ticker, Error> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("leakguard-epoch".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    engine.increment_epoch();
                }
            })
            .map_err(|e| {
                let message = format!("cannot start the deadline thread: {e}");
                Error::with_source(ErrorKind::Internal, message, e)
            })?;
        Ok(Ticker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
