package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Fake secrets, assembled from parts at run time so that no live-looking
// token sits in the sources. None was ever a real credential.
var (
	fakeGitHub = "ghp_" + "R7kq2Mx9TbWc" + "4LpZvN8sJ3dF" + "6hYgQe1uKa5o"
	fakeSlack  = "xoxb-" + "502941736208-" + "4676127083915-" + "Hb4N2wnyH6xS" + "LR9Xn0asDiOc"
	fakeStripe = "sk_live_" + "9fTq3LmZ8vR2" + "wXk5YpB7nC4d"
	fakeNPM    = "npm_" + "Gx2vTq8LmR5k" + "Zp9WbY3nJc7D" + "h4Fs6Ua1Ve0K"
	fakeAWS    = "AKIA" + "ZQ7TB3XW" + "NGYH6KRD"
)

// cliPath is the CLI built once for all tests (see TestMain).
var cliPath string

// cacheDir is a compilation cache shared by the tests' runs, so that only
// the first run compiles the module.
var testCacheDir string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "leakguard-cli-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cliPath = filepath.Join(dir, "leakguard")
	testCacheDir = filepath.Join(dir, "cache")
	build := exec.Command("go", "build", "-o", cliPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.Stderr.WriteString("cannot build the CLI: " + err.Error() + "\n")
		return 2
	}
	return m.Run()
}

// result is what a run of the CLI gave.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the built CLI in dir with stdin and args.
func runCLI(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(cliPath, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "LEAKGUARD_CACHE_DIR="+testCacheDir, "NO_COLOR=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// writeFiles creates files (path -> content; "/"-separated paths) under
// dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixtureTree builds a tree with planted secrets: three to report, and
// others in places a scan must skip (an ignored file, an ignored
// directory, a binary file, a file over the size limit, a symbolic link).
func fixtureTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".gitignore":       "# build output and local settings\nbuild/\n*.local\n",
		".env":             "STRIPE_KEY=" + fakeStripe + "\n",
		"config/app.yaml":  "name: api\ngithub_token: " + fakeGitHub + "\nreplicas: 2\n",
		"src/chat/main.go": "package main\n\nimport \"fmt\"\n\nconst token = \"" + fakeSlack + "\"\n\nfunc main() { fmt.Println(token) }\n",
		"README.md":        "# A project\n\nNothing secret here: ghp_ is only a prefix.\n",
		"settings.local":   "NPM_TOKEN=" + fakeNPM + "\n",
		"build/out.txt":    "AWS_ACCESS_KEY_ID=" + fakeAWS + "\n",
		"unicode/ü.txt":    "ключ: значение\n",
		"image.bin":        "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR token=" + fakeGitHub + "\n",
	})
	big := filepath.Join(dir, "big.log")
	if err := os.WriteFile(big, []byte("NPM_TOKEN="+fakeNPM+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// One byte over the default limit, as a sparse file: cheap to make.
	if err := os.Truncate(big, 10<<20+1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("config/app.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	return dir
}
