// Package gittest builds small git repositories with a fixed history for
// tests: fixed author, committer and dates, and no user or system
// configuration, so that commit hashes are the same on every run.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Author is the author and committer of every commit.
const (
	AuthorName  = "Ann Example"
	AuthorEmail = "ann@example.com"
)

// Repo is a repository in a test's temporary directory.
type Repo struct {
	t   testing.TB
	Dir string
}

// New makes an empty repository whose branch is main. The test fails if
// git is not installed.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for this test")
	}
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Git("2024-01-01T00:00:00Z", "init", "-q", "-b", "main")
	return r
}

// Git runs git in the repository with date as the author and committer
// date, and returns its trimmed output; the test fails if git does.
func (r *Repo) Git(date string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME="+AuthorName, "GIT_AUTHOR_EMAIL="+AuthorEmail, "GIT_AUTHOR_DATE="+date,
		"GIT_COMMITTER_NAME="+AuthorName, "GIT_COMMITTER_EMAIL="+AuthorEmail, "GIT_COMMITTER_DATE="+date,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Write creates or replaces files (path -> content, "/"-separated paths).
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Commit writes files, stages every change and commits them at date with
// message; it returns the commit's hash.
func (r *Repo) Commit(date, message string, files map[string]string) string {
	r.t.Helper()
	r.Write(files)
	r.Git(date, "add", "-A")
	r.Git(date, "commit", "-q", "-m", message)
	return r.Git(date, "rev-parse", "HEAD")
}
