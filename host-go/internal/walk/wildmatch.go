package walk

// This file is a byte-oriented glob matcher with git's "wildmatch"
// semantics, which is what .gitignore patterns are matched with. It works on
// bytes, not runes, because git does: `?` matches one byte, and bracket
// expressions compare bytes.

// Results of [dowild]. The two abort results let a caller stop trying
// further positions for a `*` when no later position can match either,
// which keeps patterns with several stars from going exponential.
const (
	wmMatch = iota
	wmNoMatch
	wmAbortAll
	wmAbortToStarStar
)

// wildmatch reports whether text matches pattern. With pathname set, `*`,
// `?` and bracket expressions never match a `/`, and `**` between slashes
// (or at either end) matches any number of directories.
func wildmatch(pattern, text []byte, pathname bool) bool {
	return dowild(pattern, 0, text, 0, pathname) == wmMatch
}

// isGlobSpecial reports the bytes that make a pattern more than a literal.
func isGlobSpecial(c byte) bool {
	return c == '*' || c == '?' || c == '[' || c == '\\'
}

// at returns s[i], or 0 past the end: the matcher is written against
// NUL-terminated text, and 0 never occurs in a path.
func at(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// dowild matches pat[start:] against text[t:]. A `**` counts as a whole
// path component when it starts pat[start:] (git's matcher treats each
// recursive call's pattern as a pattern of its own).
func dowild(pat []byte, start int, text []byte, t int, pathname bool) int {
	for p := start; p < len(pat); p, t = p+1, t+1 {
		pc := pat[p]
		tc := at(text, t)
		if t >= len(text) && pc != '*' {
			return wmAbortAll
		}
		switch pc {
		case '\\':
			// The next byte is literal. A trailing backslash matches nothing.
			p++
			if p >= len(pat) || tc != pat[p] {
				return wmNoMatch
			}
		case '?':
			if pathname && tc == '/' {
				return wmNoMatch
			}
		case '*':
			r, done, np, nt := star(pat, start, p, text, t, pathname)
			if done {
				return r
			}
			// A single star followed by a slash: skip to the next slash,
			// which the loop then matches against the pattern's slash.
			p, t = np, nt
		case '[':
			np, ok, abort := bracket(pat, p, tc, pathname)
			if abort {
				return wmAbortAll
			}
			if !ok {
				return wmNoMatch
			}
			p = np
		default:
			if tc != pc {
				return wmNoMatch
			}
		}
	}
	if t < len(text) {
		return wmNoMatch
	}
	return wmMatch
}

// star handles a run of asterisks at pat[p]. It either decides the match
// (done) or, for a single star followed by a slash, returns the positions
// to continue from (the slash in the pattern and the next slash in text).
func star(pat []byte, start, p int, text []byte, t int, pathname bool) (result int, done bool, np, nt int) {
	var matchSlash bool
	if at(pat, p+1) == '*' {
		prev := p - 1
		p += 2
		for at(pat, p) == '*' {
			p++
		}
		// `**` is special only as a whole path component.
		if !pathname {
			matchSlash = true
		} else if (prev < start || pat[prev] == '/') &&
			(p >= len(pat) || pat[p] == '/' || (pat[p] == '\\' && at(pat, p+1) == '/')) {
			// `**/` may match no directory at all: try the rest right here.
			if at(pat, p) == '/' && dowild(pat, p+1, text, t, pathname) == wmMatch {
				return wmMatch, true, 0, 0
			}
			matchSlash = true
		} else {
			matchSlash = false
		}
	} else {
		matchSlash = !pathname
		p++
	}
	if p >= len(pat) {
		// A trailing `**` matches everything; a trailing `*` only what is
		// left of the current path component.
		if !matchSlash {
			for _, c := range text[t:] {
				if c == '/' {
					return wmNoMatch, true, 0, 0
				}
			}
		}
		return wmMatch, true, 0, 0
	}
	if !matchSlash && pat[p] == '/' {
		for i := t; i < len(text); i++ {
			if text[i] == '/' {
				// Both slashes are consumed by the caller's loop increment.
				return 0, false, p, i
			}
		}
		return wmNoMatch, true, 0, 0
	}
	for {
		if t >= len(text) {
			break
		}
		// When a literal follows the star, everything before its next
		// occurrence belongs to the star: jump there directly.
		if !isGlobSpecial(pat[p]) {
			lit := pat[p]
			for t < len(text) && (matchSlash || text[t] != '/') && text[t] != lit {
				t++
			}
			if at(text, t) != lit || t >= len(text) {
				return wmNoMatch, true, 0, 0
			}
		}
		m := dowild(pat, p, text, t, pathname)
		if m != wmNoMatch {
			if !matchSlash || m != wmAbortToStarStar {
				return m, true, 0, 0
			}
		} else if !matchSlash && text[t] == '/' {
			return wmAbortToStarStar, true, 0, 0
		}
		t++
	}
	return wmAbortAll, true, 0, 0
}

// bracket matches tc against the bracket expression starting at pat[p].
// It returns the index of the closing `]`, whether tc matched, and whether
// the expression is malformed (unterminated or an unknown class), in which
// case nothing can match.
func bracket(pat []byte, p int, tc byte, pathname bool) (end int, ok bool, abort bool) {
	p++
	pc := at(pat, p)
	negated := false
	if pc == '!' || pc == '^' {
		negated = true
		p++
		pc = at(pat, p)
	}
	var prev byte
	matched := false
	for {
		if p >= len(pat) {
			return 0, false, true
		}
		switch {
		case pc == '\\':
			p++
			if p >= len(pat) {
				return 0, false, true
			}
			pc = pat[p]
			if tc == pc {
				matched = true
			}
		case pc == '-' && prev != 0 && p+1 < len(pat) && pat[p+1] != ']':
			p++
			pc = pat[p]
			if pc == '\\' {
				p++
				if p >= len(pat) {
					return 0, false, true
				}
				pc = pat[p]
			}
			if tc <= pc && tc >= prev {
				matched = true
			}
			pc = 0 // a range cannot start another range
		case pc == '[' && at(pat, p+1) == ':':
			s := p + 2
			q := s
			for q < len(pat) && pat[q] != ']' {
				q++
			}
			if q >= len(pat) {
				return 0, false, true
			}
			if q-s-1 < 0 || pat[q-1] != ':' {
				// Not a `[:class:]` after all: a literal `[`.
				if tc == '[' {
					matched = true
				}
				pc = '['
				break
			}
			in, known := class(string(pat[s:q-1]), tc)
			if !known {
				return 0, false, true
			}
			if in {
				matched = true
			}
			p = q
			pc = 0
		default:
			if tc == pc {
				matched = true
			}
		}
		prev = pc
		p++
		pc = at(pat, p)
		if pc == ']' {
			break
		}
	}
	if matched == negated || (pathname && tc == '/') {
		return p, false, false
	}
	return p, true, false
}

// class reports whether c is in the POSIX character class name (C locale),
// and whether name is a class at all.
func class(name string, c byte) (in bool, known bool) {
	upper := c >= 'A' && c <= 'Z'
	lower := c >= 'a' && c <= 'z'
	digit := c >= '0' && c <= '9'
	space := c == ' ' || (c >= '\t' && c <= '\r')
	print := c >= 0x20 && c < 0x7f
	switch name {
	case "alnum":
		return upper || lower || digit, true
	case "alpha":
		return upper || lower, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return print && c != ' ', true
	case "lower":
		return lower, true
	case "print":
		return print, true
	case "punct":
		return print && c != ' ' && !upper && !lower && !digit, true
	case "space":
		return space, true
	case "upper":
		return upper, true
	case "xdigit":
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'), true
	}
	return false, false
}
