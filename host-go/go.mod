module github.com/leakguard/leakguard/host-go

go 1.26

require (
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/sys v0.44.0
	golang.org/x/term v0.43.0
)
