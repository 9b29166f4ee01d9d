package leakguard_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	leakguard "github.com/leakguard/leakguard/host-go"
)

// testCacheDir is a compilation cache for the tests: the module is
// compiled once, not once per Scanner.
var testCacheDir string

// shared is the default Scanner the tests share, as programs do.
var shared *leakguard.Scanner

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "leakguard-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	testCacheDir = dir
	shared, err = leakguard.New(context.Background(), leakguard.WithCacheDir(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer shared.Close(context.Background())
	return m.Run()
}

// newScanner returns the shared Scanner, or with options a new one that is
// closed when the test ends.
func newScanner(t testing.TB, opts ...leakguard.Option) *leakguard.Scanner {
	t.Helper()
	if len(opts) == 0 {
		return shared
	}
	s, err := leakguard.New(context.Background(), append(opts, leakguard.WithCacheDir(testCacheDir))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// closedScanner returns a Scanner that has been closed.
func closedScanner(t testing.TB) *leakguard.Scanner {
	t.Helper()
	s, err := leakguard.New(context.Background(), leakguard.WithCacheDir(testCacheDir))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}
