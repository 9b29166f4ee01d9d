package plugin

// Test hooks: this file is compiled only into the package's tests.

// WatchContexts makes a Plugin use wazero's WithCloseOnContextDone instead
// of instrumenting the module, so that the tests cover both ways of
// stopping a guest.
func WatchContexts(c Config) Config {
	c.watchContexts = true
	return c
}

// Instrumented reports whether p runs an instrumented module.
func Instrumented(p *Plugin) bool { return p.instrumented }

// Instrument exposes instrument to the external tests.
var Instrument = instrument

// InterruptExport is the name of the interrupt flag's export.
const InterruptExport = interruptExport

// CompilerAvailable exposes compilerAvailable to the external tests.
var CompilerAvailable = compilerAvailable

// AppendULEB and AppendSLEB expose the LEB128 encoders to the tests' own
// module encoder.
var (
	AppendULEB = appendULEB
	AppendSLEB = appendSLEB
)
