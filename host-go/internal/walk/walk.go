// Package walk lists the files a leakguard scan reads from a directory
// tree, exactly as docs/ACTIONS.md ("Walking a tree") prescribes for every
// leakguard CLI: recurse from the root, never follow symbolic links, skip
// `.git`, honour .gitignore files with git's semantics, scan hidden files,
// skip files over the size limit and binary files, and order the files by
// the bytes of their "/"-separated path relative to the root.
package walk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DefaultMaxSize is the size limit of a scanned file: larger files are
// skipped (10 MiB).
const DefaultMaxSize = 10 << 20

// BinarySniffLen is how many leading bytes are searched for a NUL byte to
// decide that a file is binary.
const BinarySniffLen = 8000

// File is a regular file to scan.
type File struct {
	// Path is relative to the root, "/"-separated.
	Path string
	// OSPath is the file's path for the operating system.
	OSPath string
	// Size is the size the walk saw.
	Size int64
}

// Skipped is a file the walk passed over, with the reason.
type Skipped struct {
	// Path is relative to the root, "/"-separated.
	Path string
	// Reason says why, in words: "larger than the size limit (N bytes)",
	// "symbolic link", "not a regular file", "binary".
	Reason string
}

// Options tune a walk.
type Options struct {
	// MaxSize is the largest file scanned, in bytes; 0 means DefaultMaxSize.
	MaxSize int64
}

// Result is what a walk found.
type Result struct {
	// Files are sorted by Path, byte by byte.
	Files []File
	// Skipped are the files passed over (ignored ones are not listed:
	// there are usually too many to be useful), sorted by Path.
	Skipped []Skipped
}

// Walk lists the files under root to scan. root itself may be a symbolic
// link (the user named it); nothing below it is followed.
//
// # Errors
//
// An error when root or a directory below it cannot be read; a .gitignore
// that cannot be read is an error too, since ignoring it would scan what the
// user excluded.
func Walk(root string, opts Options) (*Result, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	w := &walker{opts: opts, res: &Result{}}
	if err := w.dir(root, ""); err != nil {
		return nil, err
	}
	sort.Slice(w.res.Files, func(i, j int) bool { return w.res.Files[i].Path < w.res.Files[j].Path })
	sort.Slice(w.res.Skipped, func(i, j int) bool { return w.res.Skipped[i].Path < w.res.Skipped[j].Path })
	return w.res, nil
}

type walker struct {
	opts    Options
	res     *Result
	matcher Matcher
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func (w *walker) dir(osDir, rel string) error {
	entries, err := os.ReadDir(osDir)
	if err != nil {
		return fmt.Errorf("read directory %s: %w", osDir, err)
	}
	for _, e := range entries {
		// git reads .gitignore only when it is a regular file.
		if e.Name() == ".gitignore" && e.Type().IsRegular() {
			content, err := os.ReadFile(filepath.Join(osDir, e.Name()))
			if err != nil {
				return fmt.Errorf("read %s: %w", filepath.Join(osDir, e.Name()), err)
			}
			w.matcher.Push(ParseIgnore(rel, content))
			defer w.matcher.Pop()
			break
		}
	}
	for _, e := range entries {
		name := e.Name()
		if name == ".git" {
			continue
		}
		path := join(rel, name)
		osPath := filepath.Join(osDir, name)
		switch t := e.Type(); {
		case t&fs.ModeSymlink != 0:
			// git matches a symbolic link as a file, whatever it points to.
			if !w.matcher.Ignored(path, false) {
				w.res.Skipped = append(w.res.Skipped, Skipped{Path: path, Reason: "symbolic link"})
			}
		case t.IsDir():
			if w.matcher.Ignored(path, true) {
				continue
			}
			if err := w.dir(osPath, path); err != nil {
				return err
			}
		case t.IsRegular():
			if w.matcher.Ignored(path, false) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", osPath, err)
			}
			if info.Size() > w.opts.MaxSize {
				w.res.Skipped = append(w.res.Skipped, Skipped{
					Path:   path,
					Reason: fmt.Sprintf("larger than the size limit (%d bytes > %d)", info.Size(), w.opts.MaxSize),
				})
				continue
			}
			w.res.Files = append(w.res.Files, File{Path: path, OSPath: osPath, Size: info.Size()})
		default:
			if !w.matcher.Ignored(path, false) {
				w.res.Skipped = append(w.res.Skipped, Skipped{Path: path, Reason: "not a regular file"})
			}
		}
	}
	return nil
}

// IsBinary reports whether data (a file's content from its start) is
// binary: a NUL byte within its first BinarySniffLen bytes.
func IsBinary(data []byte) bool {
	if len(data) > BinarySniffLen {
		data = data[:BinarySniffLen]
	}
	return bytes.IndexByte(data, 0) >= 0
}

// ErrTooLarge is returned by [ReadFile] for a file that grew past the size
// limit after the walk saw it.
var ErrTooLarge = errors.New("larger than the size limit")

// ReadFile reads f, refusing to read more than maxSize bytes (0 means
// DefaultMaxSize) so that a file that grows during the scan cannot exhaust
// memory. It does not follow a symbolic link that replaced the file.
//
// # Errors
//
// The open or read error, or [ErrTooLarge].
func ReadFile(f File, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	info, err := os.Lstat(f.OSPath)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: no longer a regular file", f.OSPath)
	}
	fh, err := os.Open(f.OSPath)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	buf := bytes.NewBuffer(make([]byte, 0, min(info.Size(), maxSize)+1))
	n, err := buf.ReadFrom(io.LimitReader(fh, maxSize+1))
	if err != nil {
		return nil, err
	}
	if n > maxSize {
		return nil, fmt.Errorf("%s: %w", f.OSPath, ErrTooLarge)
	}
	return buf.Bytes(), nil
}
