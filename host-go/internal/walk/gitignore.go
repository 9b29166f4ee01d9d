package walk

import (
	"bytes"
	"strings"
)

// pattern is one line of a .gitignore file.
type pattern struct {
	text     []byte // the glob, without `!`, the trailing `/` or a leading `/` removed later
	negated  bool   // `!pattern`: re-include what an earlier pattern excluded
	dirOnly  bool   // `pattern/`: matches directories only
	basename bool   // no `/` in the pattern: matches the last path component at any depth
	prefix   int    // length of the leading literal part (no glob characters)
}

// Ignore is the patterns of one .gitignore file, anchored at the directory
// that holds it.
type Ignore struct {
	base     string // the directory, relative to the walk's root, "/"-separated; "" for the root
	patterns []pattern
}

// ParseIgnore parses the content of the .gitignore file found in directory
// base (relative to the root, "/"-separated, "" for the root itself), with
// git's rules: one pattern per line, `#` starts a comment line, trailing
// spaces are dropped unless escaped with a backslash, a CR before the line
// feed is dropped, and a UTF-8 byte order mark at the start is skipped.
func ParseIgnore(base string, content []byte) *Ignore {
	ig := &Ignore{base: base}
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	for len(content) > 0 {
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		line = trimTrailingSpaces(line)
		if len(line) == 0 {
			continue
		}
		if p, ok := parsePattern(line); ok {
			ig.patterns = append(ig.patterns, p)
		}
	}
	return ig
}

// trimTrailingSpaces drops trailing spaces, but not one escaped with a
// backslash (nor anything before it). Only spaces count, as in git.
func trimTrailingSpaces(line []byte) []byte {
	lastSpace := -1
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i >= len(line) {
				return line
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return line[:lastSpace]
	}
	return line
}

func parsePattern(line []byte) (pattern, bool) {
	var p pattern
	if line[0] == '!' {
		p.negated = true
		line = line[1:]
	}
	if n := len(line); n > 0 && line[n-1] == '/' {
		p.dirOnly = true
		line = line[:n-1]
	}
	if len(line) == 0 {
		return p, false
	}
	p.basename = bytes.IndexByte(line, '/') < 0
	if !p.basename && line[0] == '/' {
		line = line[1:]
	}
	for p.prefix < len(line) && !isGlobSpecial(line[p.prefix]) {
		p.prefix++
	}
	p.text = append([]byte(nil), line...)
	return p, true
}

// match reports whether p matches path (relative to the walk's root). name
// is path's last component and rel is path relative to the .gitignore's
// directory.
func (p *pattern) match(name, rel string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	if p.basename {
		return wildmatch(p.text, []byte(name), false)
	}
	// The literal part is compared as such; only the rest is a glob. This
	// matters for a `**` right after the literal part, which git then
	// treats as a whole path component.
	if p.prefix > 0 {
		if len(rel) < p.prefix || rel[:p.prefix] != string(p.text[:p.prefix]) {
			return false
		}
		if p.prefix == len(p.text) && p.prefix == len(rel) {
			return true
		}
	}
	return wildmatch(p.text[p.prefix:], []byte(rel[p.prefix:]), true)
}

// Matcher decides whether a path is ignored, given the .gitignore files of
// the directories from the root down to the path's parent.
type Matcher struct {
	stack []*Ignore
}

// Push adds the patterns of a .gitignore in a directory below the ones
// already pushed.
func (m *Matcher) Push(ig *Ignore) { m.stack = append(m.stack, ig) }

// Pop removes the most recently pushed .gitignore.
func (m *Matcher) Pop() { m.stack = m.stack[:len(m.stack)-1] }

// Ignored reports whether path ("/"-separated, relative to the root) is
// ignored. The deepest .gitignore with a matching pattern decides, and
// within one file the last matching pattern does; a negated pattern
// re-includes. (A path inside an ignored directory is never asked about:
// the walk does not enter ignored directories, which is how git makes such
// paths impossible to re-include.)
func (m *Matcher) Ignored(path string, isDir bool) bool {
	name := path[strings.LastIndexByte(path, '/')+1:]
	for i := len(m.stack) - 1; i >= 0; i-- {
		ig := m.stack[i]
		rel := path
		if ig.base != "" {
			if !strings.HasPrefix(path, ig.base+"/") {
				continue
			}
			rel = path[len(ig.base)+1:]
		}
		for j := len(ig.patterns) - 1; j >= 0; j-- {
			p := &ig.patterns[j]
			if p.match(name, rel, isDir) {
				return !p.negated
			}
		}
	}
	return false
}
