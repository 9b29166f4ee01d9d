//! The boundary benchmark: what one `ping` round trip through the Rust host
//! costs, against a bare wasmtime call of an empty export as the floor, in
//! one run on one machine. Prints a markdown table.
//!
//! `cargo bench -p leakguard-host --profile host` runs it fully;
//! with `-- --test` it runs each measurement a few times only, so that it
//! cannot rot (speed is not judged then).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use leakguard_host::{Config, Plugin};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The plugin's bindings, for calling the component without the host.
mod bindings {
    wasmtime::component::bindgen!({ world: "plugin", path: "../wit" });
}

/// The least a store needs to run the component: WASI with nothing granted.
struct Bare {
    wasi: WasiCtx,
    table: wasmtime::component::ResourceTable,
}

impl WasiView for Bare {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Counts every allocation (and reallocation) made by the process.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to the system allocator with the caller's
// own arguments, so the caller's guarantees carry over unchanged; the
// counter is an atomic and allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How long to measure: samples per measurement and the time one sample
/// aims at.
struct Plan {
    samples: usize,
    sample_time: Duration,
}

struct Measured {
    what: &'static str,
    ns_per_op: f64,
    allocs_per_op: f64,
}

/// Median ns/op over `plan.samples` batches of `op`, and allocations per op.
fn measure(what: &'static str, plan: &Plan, mut op: impl FnMut()) -> Measured {
    // Warm up and size a batch to take about `sample_time`.
    let mut batch: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            op();
        }
        if start.elapsed() >= plan.sample_time || batch >= 1 << 30 {
            break;
        }
        batch *= 2;
    }
    let mut per_op: Vec<f64> = (0..plan.samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                op();
            }
            start.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect();
    per_op.sort_by(f64::total_cmp);

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..batch {
        op();
    }
    let allocs = ALLOCATIONS.load(Ordering::Relaxed) - before;
    Measured {
        what,
        ns_per_op: per_op[per_op.len() / 2],
        allocs_per_op: allocs as f64 / batch as f64,
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let plan = if quick {
        Plan {
            samples: 3,
            sample_time: Duration::from_micros(200),
        }
    } else {
        Plan {
            samples: 101,
            sample_time: Duration::from_millis(10),
        }
    };

    // The floor: an empty exported function of a core module, called
    // through a typed function on a default engine.
    let engine = wasmtime::Engine::default();
    let empty = wat::parse_str(r#"(module (func (export "empty")))"#).expect("the empty module");
    let module = wasmtime::Module::new(&engine, empty).expect("compiling the empty module");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiating");
    let func = instance
        .get_typed_func::<(), ()>(&mut store, "empty")
        .expect("the empty export");
    let floor = measure(
        "bare wasmtime call of an empty export (`TypedFunc`)",
        &plan,
        || {
            func.call(&mut store, ()).expect("calling the empty export");
        },
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist/leakguard.component.wasm");

    // The same `ping` through wasmtime's component bindings directly: the
    // canonical ABI and the guest's work, without the host's pool, deadline
    // and error handling.
    let component = wasmtime::component::Component::from_file(&engine, &path)
        .unwrap_or_else(|e| panic!("{e} (run `just build` first)"));
    let mut linker = wasmtime::component::Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).expect("linking WASI");
    let mut store = wasmtime::Store::new(
        &engine,
        Bare {
            wasi: WasiCtx::builder().build(),
            table: wasmtime::component::ResourceTable::new(),
        },
    );
    let direct =
        bindings::Plugin::instantiate(&mut store, &component, &linker).expect("instantiating");
    let component_call = measure(
        "component call of `ping` through bindings, no host",
        &plan,
        || {
            let reply = direct
                .leakguard_plugin_action()
                .call_call(&mut store, black_box("ping"), black_box("{}"))
                .expect("no trap")
                .expect("ping");
            black_box(reply);
        },
    );

    let plugin = Plugin::from_file(&path, &Config::new().pool_size(1))
        .unwrap_or_else(|e| panic!("{e} (run `just build` first)"));
    let ping = measure(
        "Rust host `ping` round trip (`Plugin::call`)",
        &plan,
        || {
            let reply = plugin
                .call(black_box("ping"), black_box("{}"))
                .expect("ping");
            black_box(reply);
        },
    );
    let native = measure(
        "native core `ping`, no wasm (`leakguard::call`)",
        &plan,
        || {
            let reply = leakguard::call(black_box("ping"), black_box("{}")).expect("ping");
            black_box(reply);
        },
    );

    if quick {
        println!("(--test: a few iterations only; the figures below mean nothing)");
    }
    println!("| measurement | ns/op (median) | allocs/op | ratio to floor |");
    println!("| --- | ---: | ---: | ---: |");
    for m in [&floor, &component_call, &ping, &native] {
        println!(
            "| {} | {:.0} | {:.1} | {:.1}x |",
            m.what,
            m.ns_per_op,
            m.allocs_per_op,
            m.ns_per_op / floor.ns_per_op
        );
    }
}
