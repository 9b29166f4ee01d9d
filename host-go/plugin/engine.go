package plugin

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// compilerAvailable reports whether wazero will run the compiler engine on
// this platform, by the same rule wazero applies (amd64 with SSE4.1, or
// arm64, on the operating systems it supports). wazero does not publish
// the rule; if it ever tightens it, compiling under
// wazero.NewRuntimeConfigCompiler fails and New falls back to context
// watching.
func compilerAvailable() bool {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "windows":
		if runtime.GOARCH == "arm64" {
			return true
		}
	case "dragonfly", "solaris", "illumos":
	default:
		return false
	}
	return runtime.GOARCH == "amd64" && cpu.X86.HasSSE41
}
