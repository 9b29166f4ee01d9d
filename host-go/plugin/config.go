package plugin

import (
	"log/slog"
	"runtime"
	"time"
)

// Defaults of NewConfig.
const (
	// DefaultMemoryLimit is the default memory limit per instance: 256 MiB.
	DefaultMemoryLimit = 256 << 20
	// DefaultMaxInput is the default limit on the data of one call: 16 MiB,
	// the same as the leakguard core's own.
	DefaultMaxInput = 16 << 20
	// DefaultMaxOutput is the default limit on the reply of one call: 64 MiB.
	DefaultMaxOutput = 64 << 20
)

// pageSize is the WebAssembly page size.
const pageSize = 64 << 10

// maxPages is the most pages a 32-bit memory can have (4 GiB).
const maxPages = 1 << 16

// Config says how a Plugin runs its guest. It is immutable: each With method
// returns a modified copy, so one Config can be shared and specialised.
//
// The zero Config is the same as NewConfig().
type Config struct {
	poolSize    int
	memoryLimit uint64
	timeout     time.Duration
	maxInput    int
	maxOutput   int
	logger      *slog.Logger
	cacheDir    string

	// watchContexts makes the host use wazero's WithCloseOnContextDone
	// instead of instrumenting the module; set by this package's tests,
	// which run both ways.
	watchContexts bool
}

// NewConfig returns the defaults: as many instances as runtime.GOMAXPROCS(0),
// DefaultMemoryLimit per instance, no per-call timeout (a ctx deadline still
// applies), DefaultMaxInput, DefaultMaxOutput, guest output logged to
// slog.Default() (as it is when New runs), and no compilation cache.
func NewConfig() Config {
	return Config{}
}

// WithPoolSize bounds the number of instances, hence the number of calls
// that run at once; further callers wait for a free instance. Instances are
// created on demand, up to n. n <= 0 selects the default,
// runtime.GOMAXPROCS(0).
func (c Config) WithPoolSize(n int) Config {
	c.poolSize = n
	return c
}

// WithMemoryLimit limits the linear memory of each instance to bytes,
// rounded up to whole 64 KiB pages (at most 4 GiB). A guest that needs more
// fails with ErrMemoryLimit and its instance is replaced. 0 selects
// DefaultMemoryLimit.
//
// # Notes
//
//   - The limit must cover the module's initial memory, or New fails with
//     ErrBadPlugin.
func (c Config) WithMemoryLimit(bytes uint64) Config {
	c.memoryLimit = bytes
	return c
}

// WithTimeout gives every call a deadline d after it starts waiting for an
// instance. 0 (the default) means none; a deadline on the call's ctx applies
// either way, whichever is earlier.
func (c Config) WithTimeout(d time.Duration) Config {
	c.timeout = d
	return c
}

// WithMaxInput limits the data of one call to n bytes; larger data is
// refused with ErrTooLarge before it reaches the guest. n <= 0 selects
// DefaultMaxInput.
func (c Config) WithMaxInput(n int) Config {
	c.maxInput = n
	return c
}

// WithMaxOutput limits a reply to n bytes; a larger reply is dropped and the
// call fails with ErrTooLarge (the instance stays in use). n <= 0 selects
// DefaultMaxOutput.
func (c Config) WithMaxOutput(n int) Config {
	c.maxOutput = n
	return c
}

// WithLogger sends what the guest writes to stdout and stderr to l, one
// record per line, with the instance's id. nil selects slog.Default().
func (c Config) WithLogger(l *slog.Logger) Config {
	c.logger = l
	return c
}

// WithCacheDir keeps wazero's compiled code in dir, so that a process that
// starts often compiles the module once, not every time. "" (the default)
// keeps it in memory only, shared by every Plugin of the process.
//
// # Notes
//
//   - The directory is created if needed. Entries are keyed by the wazero
//     version and the module's hash, so one directory can serve several
//     modules and versions.
func (c Config) WithCacheDir(dir string) Config {
	c.cacheDir = dir
	return c
}

// resolved returns c with every unset field at its default.
func (c Config) resolved() Config {
	if c.poolSize <= 0 {
		c.poolSize = runtime.GOMAXPROCS(0)
	}
	if c.memoryLimit == 0 {
		c.memoryLimit = DefaultMemoryLimit
	}
	if c.timeout < 0 {
		c.timeout = 0
	}
	if c.maxInput <= 0 {
		c.maxInput = DefaultMaxInput
	}
	if c.maxOutput <= 0 {
		c.maxOutput = DefaultMaxOutput
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c
}

// memoryLimitPages is the memory limit in pages, rounded up, at most 4 GiB.
func (c Config) memoryLimitPages() uint32 {
	pages := (c.memoryLimit + pageSize - 1) / pageSize
	if pages > maxPages {
		pages = maxPages
	}
	return uint32(pages)
}
