//go:build agree

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCLIsAgree runs the three leakguard CLIs on one generated tree and
// requires byte-identical JSON reports: this CLI, the Rust host's
// (`$LEAKGUARD_HOST_BIN scan`), and the module's own under the stock
// wasmtime CLI (`wasmtime run --dir <tree>::/src $LEAKGUARD_WASM scan
// /src`). Paths are relative to the root given, so the three agree even
// though the module sees the tree as /src.
//
// Run with: go test -tags agree -run TestCLIsAgree ./cmd/leakguard
func TestCLIsAgree(t *testing.T) {
	hostBin := os.Getenv("LEAKGUARD_HOST_BIN")
	wasm := os.Getenv("LEAKGUARD_WASM")
	if hostBin == "" || wasm == "" {
		t.Fatal("set LEAKGUARD_HOST_BIN (the leakguard-host binary) and LEAKGUARD_WASM (dist/leakguard.wasm)")
	}
	wasmtime, err := exec.LookPath("wasmtime")
	if err != nil {
		t.Fatal("the wasmtime CLI is not on PATH")
	}
	tree := agreeTree(t)

	clis := []struct {
		name string
		cmd  *exec.Cmd
	}{
		{"go", exec.Command(cliPath, "scan", "--format", "json", "--no-progress", tree)},
		{"leakguard-host", exec.Command(hostBin, "scan", "--format", "json", tree)},
		{"wasmtime", exec.Command(wasmtime, "run", "--dir", tree+"::/src", wasm, "scan", "--format", "json", "/src")},
	}
	outputs := make([][]byte, len(clis))
	for i, c := range clis {
		var stdout, stderr bytes.Buffer
		c.cmd.Stdout, c.cmd.Stderr = &stdout, &stderr
		c.cmd.Env = append(os.Environ(), "LEAKGUARD_CACHE_DIR="+testCacheDir)
		err := c.cmd.Run()
		// Secrets are planted: every CLI must exit with 1.
		if code := c.cmd.ProcessState.ExitCode(); code != 1 {
			t.Fatalf("%s: exit status %d (%v), want 1\nstderr: %s", c.name, code, err, stderr.String())
		}
		outputs[i] = stdout.Bytes()
	}
	got, _ := parseReport(t, string(outputs[0]))
	if len(got) < 6 {
		t.Fatalf("the Go CLI found %d secrets in the generated tree; the comparison needs them all:\n%s", len(got), outputs[0])
	}
	for i := 1; i < len(clis); i++ {
		if !bytes.Equal(outputs[0], outputs[i]) {
			t.Errorf("%s and %s disagree:\n%s", clis[0].name, clis[i].name, firstDifference(outputs[0], outputs[i]))
		}
	}
}

// agreeTree writes a tree that exercises the walk (nested .gitignore
// files, negation, hidden files, binary and oversized files, a symbolic
// link, paths whose byte order differs from directory order, non-ASCII
// names and text, invalid UTF-8) and the engine (several rules, several
// findings per file, a multi-line key).
func agreeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pem := strings.Join([]string{
		"-----BEGIN RSA " + "PRIVATE KEY-----",
		"MIIEpAIBAAKCAQEA" + "x3Fq9Lm2ZrT8vWk5YpB7nC4dGh6Js1Ue0Ka2Ro9PqXw4",
		"Tz7Nb3Vc8Md5Lf1Hg6Kj2Sa9Qw4Er7Ty0Ui3Op8As5Df2Gh9" + "Jk6Lz1Xc4Vb7Nm0Q",
		"-----END RSA " + "PRIVATE KEY-----",
	}, "\n")
	writeFiles(t, dir, map[string]string{
		".gitignore":          "*.log\n!keep.log\n/vendor/\n",
		".env":                "STRIPE=" + fakeStripe + "\nNPM=" + fakeNPM + "\n",
		"a.txt":               "aws_access_key_id = " + fakeAWS + "\n",
		"a/b.txt":             "token: " + fakeGitHub + "\n",
		"a-b.txt":             "nothing\n",
		"keep.log":            "slack " + fakeSlack + "\n",
		"drop.log":            "slack " + fakeSlack + "\n",
		"vendor/lib.go":       "const t = \"" + fakeGitHub + "\"\n",
		"sub/vendor/lib.go":   "const t = \"" + fakeGitHub + "\"\n",
		"sub/.gitignore":      "secret-*.txt\n",
		"sub/secret-1.txt":    fakeNPM + "\n",
		"sub/ключи/ü.pem":     "ключ:\n" + pem + "\n",
		"sub/invalid.txt":     "\xff\xfe bad bytes then " + fakeGitHub + " \xc3(\n",
		"bin/data.bin":        "\x00" + fakeGitHub,
		"deep/er/and/er.json": "{\"npm\": \"" + fakeNPM + "\", \"gh\": \"" + fakeGitHub + "\"}\n",
	})
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(fakeGitHub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 10<<20+1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// firstDifference shows where two outputs part, with some context.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return "at byte " + strconv.Itoa(i) + ":\n--- first\n" + string(a[from:min(len(a), i+200)]) + "\n--- second\n" + string(b[from:min(len(b), i+200)])
}
