package walk

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// symlinkTo marks a tree entry as a symbolic link to the rest of the value.
const symlinkTo = "\x00symlink:"

// writeTree creates files (path -> content; "/"-separated paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for path, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, symlinkTo); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// walkCases are trees and the files a walk must list. Every case is also
// checked against git itself (see TestWalkAgreesWithGit), so the expected
// lists are git's answers, not ours.
var walkCases = []struct {
	name  string
	files map[string]string
	want  []string
}{
	{
		name:  "plain",
		files: map[string]string{"a.txt": "a", "b/c.txt": "c", ".env": "hidden files are scanned"},
		want:  []string{".env", "a.txt", "b/c.txt"},
	},
	{
		name:  "byte order of paths, not directory order",
		files: map[string]string{"a/b": "x", "a.txt": "x", "a-b": "x", "B": "x", "a/a": "x"},
		want:  []string{"B", "a-b", "a.txt", "a/a", "a/b"},
	},
	{
		name: "basename patterns apply at any depth",
		files: map[string]string{
			".gitignore": "*.log\nbuild\n",
			"x.log":      "", "d/y.log": "", "d/keep.txt": "", "build/out": "", "d/build": "", "d/builds": "",
		},
		want: []string{".gitignore", "d/builds", "d/keep.txt"},
	},
	{
		name: "anchored patterns",
		files: map[string]string{
			".gitignore": "/top.txt\nd/inner.txt\n",
			"top.txt":    "", "d/top.txt": "", "d/inner.txt": "", "e/d/inner.txt": "",
		},
		want: []string{".gitignore", "d/top.txt", "e/d/inner.txt"},
	},
	{
		name: "directory-only patterns",
		files: map[string]string{
			".gitignore": "cache/\n",
			"cache/x":    "", "a/cache/y": "", "cachefile": "", "b/cache": "a file named cache",
		},
		want: []string{".gitignore", "b/cache", "cachefile"},
	},
	{
		name: "negation re-includes a file",
		files: map[string]string{
			".gitignore": "*.txt\n!keep.txt\n",
			"a.txt":      "", "keep.txt": "", "d/keep.txt": "", "d/b.txt": "",
		},
		want: []string{".gitignore", "d/keep.txt", "keep.txt"},
	},
	{
		name: "a file in an excluded directory cannot be re-included",
		files: map[string]string{
			".gitignore":         "logs/\n!logs/important.txt\n",
			"logs/important.txt": "", "logs/other.txt": "",
		},
		want: []string{".gitignore"},
	},
	{
		name: "re-including a directory's content through a pattern on its files",
		files: map[string]string{
			".gitignore":         "logs/*\n!logs/important.txt\n",
			"logs/important.txt": "", "logs/other.txt": "",
		},
		want: []string{".gitignore", "logs/important.txt"},
	},
	{
		name: "the last matching pattern wins",
		files: map[string]string{
			".gitignore": "!a.txt\n*.txt\n",
			"a.txt":      "",
		},
		want: []string{".gitignore"},
	},
	{
		name: "nested .gitignore overrides its parents",
		files: map[string]string{
			".gitignore":     "*.secret\n",
			"sub/.gitignore": "!*.secret\n/local\n",
			"a.secret":       "", "sub/b.secret": "", "sub/deeper/c.secret": "", "sub/local": "", "local": "", "sub/x/local": "",
		},
		want: []string{".gitignore", "local", "sub/.gitignore", "sub/b.secret", "sub/deeper/c.secret", "sub/x/local"},
	},
	{
		name: "double star",
		files: map[string]string{
			".gitignore": "**/gen/**\nfoo/**/bar\n**/tmp\n",
			"gen/a":      "", "x/gen/b": "", "gen.txt": "", "foo/bar": "", "foo/a/b/bar": "", "foo/barx": "", "a/b/tmp": "", "tmp": "",
		},
		want: []string{".gitignore", "foo/barx", "gen.txt"},
	},
	{
		name: "comments, blank lines, escapes and trailing spaces",
		files: map[string]string{
			".gitignore": "# a comment\n\n\\#hash\n\\!bang\nspace\\ \ntrail   \nwith\\ space\r\n",
			"#hash":      "", "!bang": "", "space ": "", "trail": "", "with space": "", "# a comment": "",
		},
		want: []string{"# a comment", ".gitignore"},
	},
	{
		name: "character classes and question marks",
		files: map[string]string{
			".gitignore": "file[0-9].txt\n?.md\n[!a]*.ini\n",
			"file1.txt":  "", "filex.txt": "", "a.md": "", "ab.md": "", "a.ini": "", "b.ini": "",
		},
		want: []string{".gitignore", "a.ini", "ab.md", "filex.txt"},
	},
	{
		name: "a pattern with an inner slash is anchored to its .gitignore",
		files: map[string]string{
			"sub/.gitignore": "a/b.txt\n",
			"sub/a/b.txt":    "", "a/b.txt": "", "sub/x/a/b.txt": "",
		},
		want: []string{"a/b.txt", "sub/.gitignore", "sub/x/a/b.txt"},
	},
	{
		name: "symbolic links are never followed",
		files: map[string]string{
			"real/f.txt": "", "link": symlinkTo + "real", "flink": symlinkTo + "real/f.txt",
		},
		want: []string{"real/f.txt"},
	},
	{
		name:  "star does not cross directories in anchored patterns",
		files: map[string]string{".gitignore": "/a/*.txt\n", "a/x.txt": "", "a/b/y.txt": ""},
		want:  []string{".gitignore", "a/b/y.txt"},
	},
}

func TestWalk(t *testing.T) {
	for _, c := range walkCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, c.files)
			res, err := Walk(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Files {
				got = append(got, f.Path)
				if f.OSPath != filepath.Join(dir, filepath.FromSlash(f.Path)) {
					t.Errorf("OSPath of %s is %s", f.Path, f.OSPath)
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("files\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestWalkAgreesWithGit checks every expected list above against git: in a
// fresh repository holding the tree, `git ls-files --others
// --exclude-standard` lists exactly the untracked, not ignored files, which
// is what the walk must scan (symbolic links aside: git lists them, the walk
// skips them and says so).
func TestWalkAgreesWithGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is needed to check the walk against git's own .gitignore semantics")
	}
	for _, c := range walkCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			run := func(args ...string) string {
				cmd := exec.Command(git, args...)
				cmd.Dir = dir
				// No user or system configuration: no global excludes file.
				cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
				}
				return string(out)
			}
			run("init", "-q")
			writeTree(t, dir, c.files)
			out := run("-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard")
			gitFiles := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
			if out == "" {
				gitFiles = nil
			}
			res, err := Walk(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ours []string
			for _, f := range res.Files {
				ours = append(ours, f.Path)
			}
			for _, s := range res.Skipped {
				if s.Reason == "symbolic link" {
					ours = append(ours, s.Path)
				}
			}
			sort.Strings(ours)
			sort.Strings(gitFiles)
			if !reflect.DeepEqual(ours, gitFiles) {
				t.Errorf("walk and git disagree\nwalk %q\n git %q", ours, gitFiles)
			}
		})
	}
}

func TestWalkSkips(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"small.txt":   "0123456789",
		"big.txt":     "0123456789a",
		"link":        symlinkTo + "small.txt",
		".git/HEAD":   "ref: refs/heads/main\n",
		".git/config": "[core]\n",
	})
	res, err := Walk(dir, Options{MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Path != "small.txt" || res.Files[0].Size != 10 {
		t.Errorf("files: %+v", res.Files)
	}
	want := []Skipped{
		{Path: "big.txt", Reason: "larger than the size limit (11 bytes > 10)"},
		{Path: "link", Reason: "symbolic link"},
	}
	if !reflect.DeepEqual(res.Skipped, want) {
		t.Errorf("skipped\n got %+v\nwant %+v", res.Skipped, want)
	}
}

func TestWalkErrors(t *testing.T) {
	if _, err := Walk(filepath.Join(t.TempDir(), "missing"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing root: %v", err)
	}
}

func TestIsBinary(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want bool
	}{
		{"empty", nil, false},
		{"text", []byte("hello\nworld\n"), false},
		{"nul first", []byte("\x00abc"), true},
		{"nul at the last sniffed byte", append(bytes.Repeat([]byte("a"), BinarySniffLen-1), 0), true},
		{"nul just past the sniffed bytes", append(bytes.Repeat([]byte("a"), BinarySniffLen), 0), false},
		{"control characters are text", []byte("\x01\x1b[31mred\x7f"), false},
		{"invalid UTF-8 is text", []byte{0xff, 0xfe, 'a'}, false},
	}
	for _, c := range cases {
		if got := IsBinary(c.data); got != c.want {
			t.Errorf("%s: IsBinary = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "0123456789", "link": symlinkTo + "f"})
	cases := []struct {
		name    string
		path    string
		max     int64
		want    string
		wantErr error
	}{
		{"whole file", "f", 10, "0123456789", nil},
		{"grew past the limit", "f", 9, "", ErrTooLarge},
		{"missing", "nope", 10, "", os.ErrNotExist},
	}
	for _, c := range cases {
		got, err := ReadFile(File{Path: c.path, OSPath: filepath.Join(dir, c.path)}, c.max)
		if c.wantErr != nil {
			if !errors.Is(err, c.wantErr) {
				t.Errorf("%s: error %v, want %v", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %q, %v", c.name, got, err)
		}
	}
	if _, err := ReadFile(File{Path: "link", OSPath: filepath.Join(dir, "link")}, 10); err == nil {
		t.Error("a symbolic link that replaced a file was read")
	}
}
