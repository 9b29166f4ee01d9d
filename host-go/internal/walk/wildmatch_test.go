package walk

import "testing"

func TestWildmatch(t *testing.T) {
	cases := []struct {
		pattern, text string
		pathname      bool
		want          bool
	}{
		{"foo", "foo", true, true},
		{"foo", "bar", true, false},
		{"", "", true, true},
		{"???", "abc", true, true},
		{"???", "a/c", true, false},
		{"???", "a/c", false, true},
		{"*", "abc", true, true},
		{"*", "a/c", true, false},
		{"*", "a/c", false, true},
		{"*.go", "main.go", true, true},
		{"*.go", "cmd/main.go", true, false},
		{"*/main.go", "cmd/main.go", true, true},
		{"*/main.go", "a/cmd/main.go", true, false},
		{"**/main.go", "main.go", true, true},
		{"**/main.go", "a/b/c/main.go", true, true},
		{"a/**/b", "a/b", true, true},
		{"a/**/b", "a/x/y/b", true, true},
		{"a/**/b", "ab", true, false},
		{"a/**", "a/x/y", true, true},
		{"a/**", "a", true, false},
		{"a**", "abc/d", true, false}, // `**` not a whole component: a single star
		{"a**b", "axxb", true, true},
		{"a**b", "ax/xb", true, false},
		{"**", "a/b/c", true, true},
		{"[abc]", "b", true, true},
		{"[abc]", "d", true, false},
		{"[!abc]", "d", true, true},
		{"[^abc]", "a", true, false},
		{"[a-c]x", "bx", true, true},
		{"[a-c]x", "dx", true, false},
		{"[]]", "]", true, true},
		{"[!]]", "a", true, true},
		{"[a-]", "-", true, true},
		{"[[:digit:]][[:upper:]]", "7Q", true, true},
		{"[[:digit:]][[:upper:]]", "7q", true, false},
		{"[[:space:]]", "\t", true, true},
		{"[[:bogus:]]", "a", true, false}, // an unknown class matches nothing
		{"[[:alpha:]", "a", true, false},  // unterminated
		{"[/]", "/", true, false},         // a bracket never matches a slash in a path
		{"[/]", "/", false, true},
		{"\\*", "*", true, true},
		{"\\*", "x", true, false},
		{"\\", "\\", true, false}, // a trailing backslash matches nothing
		{"a\\[b", "a[b", true, true},
		{"*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true, false},
		{"**/*.txt", "x/y/z.txt", true, true},
		{"*/*/c", "a/b/c", true, true},
		{"*/c", "a/b/c", true, false},
	}
	for _, c := range cases {
		if got := wildmatch([]byte(c.pattern), []byte(c.text), c.pathname); got != c.want {
			t.Errorf("wildmatch(%q, %q, pathname=%v) = %v, want %v", c.pattern, c.text, c.pathname, got, c.want)
		}
	}
}

func TestTrimTrailingSpaces(t *testing.T) {
	cases := []struct{ in, want string }{
		{"foo", "foo"},
		{"foo   ", "foo"},
		{"foo\\ ", "foo\\ "},
		{"foo\\  ", "foo\\ "},
		{"a b ", "a b"},
		{"foo\t", "foo\t"},
		{"foo\\", "foo\\"},
	}
	for _, c := range cases {
		if got := string(trimTrailingSpaces([]byte(c.in))); got != c.want {
			t.Errorf("trimTrailingSpaces(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
