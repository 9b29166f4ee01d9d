package gitlog

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/leakguard/leakguard/host-go/internal/gittest"
)

func collect(t *testing.T, input string) ([]Change, error) {
	t.Helper()
	var got []Change
	err := Parse(strings.NewReader(input), func(c *Change) error {
		got = append(got, *c)
		return nil
	})
	return got, err
}

func TestParse(t *testing.T) {
	c1 := &Commit{Hash: "1111", Author: "Ann Example", Email: "ann@example.com", Date: "2024-01-02T03:04:05+00:00", Message: "add config"}
	c2 := &Commit{Hash: "2222", Author: "Bob", Email: "bob@example.com", Date: "2024-01-03T00:00:00+01:00", Message: "edit"}
	h1 := "\x001111\x00Ann Example\x00ann@example.com\x002024-01-02T03:04:05+00:00\x00add config\n\n"
	h2 := "\x002222\x00Bob\x00bob@example.com\x002024-01-03T00:00:00+01:00\x00edit\n\n"
	cases := []struct {
		name  string
		input string
		want  []Change
	}{
		{
			name: "new file",
			input: h1 + "diff --git a/cfg.env b/cfg.env\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/cfg.env\n" +
				"@@ -0,0 +1,3 @@\n+A=1\n+\n+C=3\n",
			want: []Change{{Commit: c1, Path: "cfg.env", Lines: []Line{{1, "A=1"}, {2, ""}, {3, "C=3"}}}},
		},
		{
			name: "several hunks, removals, no newline marker, two commits",
			input: h2 + "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n" +
				"@@ -2 +2 @@ ctx\n-old\n+new\n@@ -10,2 +10,0 @@\n-gone\n-gone too\n@@ -20 +18,2 @@\n-x\n+y\n+z\n\\ No newline at end of file\n" +
				"diff --git a/b.txt b/b.txt\ndeleted file mode 100644\n--- a/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n" +
				h1 + "diff --git a/c.txt b/c.txt\n--- /dev/null\n+++ b/c.txt\n@@ -0,0 +1 @@\n+hello\n",
			want: []Change{
				{Commit: c2, Path: "a.txt", Lines: []Line{{2, "new"}, {18, "y"}, {19, "z"}}},
				{Commit: c1, Path: "c.txt", Lines: []Line{{1, "hello"}}},
			},
		},
		{
			name: "added lines that look like patch headers",
			input: h1 + "diff --git a/p.diff b/p.diff\n--- /dev/null\n+++ b/p.diff\n@@ -0,0 +1,3 @@\n" +
				"++++ b/other\n+@@ -1 +1 @@\n+diff --git a/x b/x\n",
			want: []Change{{Commit: c1, Path: "p.diff", Lines: []Line{{1, "+++ b/other"}, {2, "@@ -1 +1 @@"}, {3, "diff --git a/x b/x"}}}},
		},
		{
			name: "quoted and spaced paths",
			input: h1 + "diff --git \"a/t\\tab\" \"b/t\\tab\"\n--- /dev/null\n+++ \"b/t\\tab \\\"q\\\" \\303\\251\"\t\n@@ -0,0 +1 @@\n+x\n" +
				"diff --git a/with space b/with space\n--- /dev/null\n+++ b/with space\t\n@@ -0,0 +1 @@\n+y\n",
			want: []Change{
				{Commit: c1, Path: "t\tab \"q\" é", Lines: []Line{{1, "x"}}},
				{Commit: c1, Path: "with space", Lines: []Line{{1, "y"}}},
			},
		},
		{
			name: "binary files, mode changes, renames and empty commits add nothing",
			input: h2 + h1 + "diff --git a/img.png b/img.png\nnew file mode 100644\nBinary files /dev/null and b/img.png differ\n" +
				"diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n" +
				"diff --git a/old b/new\nsimilarity index 100%\nrename from old\nrename to new\n",
			want: nil,
		},
		{
			name:  "no commits",
			input: "",
			want:  nil,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := collect(t, c.input)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	h := "\x00h\x00a\x00e\x00d\x00s\n"
	cases := []struct{ name, input, want string }{
		{"patch before header", "diff --git a/x b/x\n", "a patch before any commit header"},
		{"short header", "\x00h\x00a\n", "a commit header with 2 fields"},
		{"bad hunk header", h + "diff --git a/x b/x\n+++ b/x\n@@ -a +1 @@\n", "malformed hunk header"},
		{"too many added lines", h + "diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n+b\n", "unexpected git log output at line 6"},
		{"garbage in a hunk", h + "diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n?b\n", "an unexpected line inside a hunk"},
		{"path without prefix", h + "diff --git a/x b/x\n+++ x\n", "without the b/ prefix"},
		{"unterminated quote", h + "diff --git a/x b/x\n+++ \"b/x\n", "unterminated quoted path"},
		{"hunk outside a file", h + "@@ -0,0 +1 @@\n", "a hunk outside a file"},
	}
	for _, c := range cases {
		_, err := collect(t, c.input)
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrSyntax with %q", c.name, err, c.want)
		}
	}
	stop := errors.New("stop")
	err := Parse(strings.NewReader(h+"diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n"), func(*Change) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("fn's error was not returned: %v", err)
	}
}

// TestLog runs real git on a repository built here: commits with fixed
// authors and dates that add, change and remove lines.
func TestLog(t *testing.T) {
	r := gittest.New(t)
	first := r.Commit("2024-01-01T10:00:00Z", "first", map[string]string{"app/config.txt": "one\ntwo\nthree\n"})
	second := r.Commit("2024-02-01T10:00:00Z", "second", map[string]string{
		"app/config.txt": "one\nTWO\nthree\nfour\n",
		"b c.txt":        "spaced\n",
	})
	r.Git("2024-03-01T10:00:00Z", "mv", "b c.txt", "moved.txt")
	r.Git("2024-03-01T10:00:00Z", "commit", "-q", "-m", "rename only")
	dir := r.Dir

	var got []Change
	err := Log(context.Background(), dir, func(c *Change) error {
		got = append(got, *c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c1 := &Commit{Hash: first, Author: gittest.AuthorName, Email: gittest.AuthorEmail, Date: "2024-01-01T10:00:00+00:00", Message: "first"}
	c2 := &Commit{Hash: second, Author: gittest.AuthorName, Email: gittest.AuthorEmail, Date: "2024-02-01T10:00:00+00:00", Message: "second"}
	want := []Change{
		{Commit: c2, Path: "app/config.txt", Lines: []Line{{2, "TWO"}, {4, "four"}}},
		{Commit: c2, Path: "b c.txt", Lines: []Line{{1, "spaced"}}},
		{Commit: c1, Path: "app/config.txt", Lines: []Line{{1, "one"}, {2, "two"}, {3, "three"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}

	if err := Log(context.Background(), t.TempDir(), func(*Change) error { return nil }); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("a directory that is no repository: %v", err)
	}
}
