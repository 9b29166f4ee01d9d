package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	leakguard "github.com/leakguard/leakguard/host-go"
)

// ignoreFileName is the ignore file looked for in a scan root.
const ignoreFileName = ".leakguardignore"

// filterFindings drops the findings of the baseline (same fingerprint and
// path) and those whose fingerprint an ignore file lists: --ignore-file,
// or else the .leakguardignore of each root that has one.
func filterFindings(findings []leakguard.Finding, f scanFlags, roots []string) ([]leakguard.Finding, error) {
	ignored := map[string]bool{}
	if f.ignoreFile != "" {
		if err := readIgnoreFile(f.ignoreFile, ignored); err != nil {
			return nil, err
		}
	} else {
		for _, root := range roots {
			err := readIgnoreFile(filepath.Join(root, ignoreFileName), ignored)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	var baseline map[string]bool
	if f.baseline != "" {
		var err error
		if baseline, err = readBaseline(f.baseline); err != nil {
			return nil, err
		}
	}
	kept := findings[:0:0]
	for _, fi := range findings {
		if ignored[fi.Fingerprint] || baseline[baselineKey(fi)] {
			continue
		}
		kept = append(kept, fi)
	}
	return kept, nil
}

func baselineKey(f leakguard.Finding) string { return f.Fingerprint + "\x00" + f.Path }

// readBaseline reads a JSON report ({"findings": [...]}) and returns the
// keys of its findings.
func readBaseline(name string) (map[string]bool, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read the baseline: %w", err)
	}
	var report struct {
		Findings *[]leakguard.Finding `json:"findings"`
	}
	if err := json.Unmarshal(data, &report); err != nil {
		return nil, fmt.Errorf("the baseline %s is not a JSON report: %w", name, err)
	}
	if report.Findings == nil {
		return nil, fmt.Errorf("the baseline %s is not a JSON report: it has no \"findings\" list", name)
	}
	keys := map[string]bool{}
	for i, f := range *report.Findings {
		if f.Fingerprint == "" {
			return nil, fmt.Errorf("the baseline %s: finding %d has no fingerprint", name, i+1)
		}
		keys[baselineKey(f)] = true
	}
	return keys, nil
}

// readIgnoreFile adds the fingerprints listed in name to set: one per
// line, blank lines and lines starting with # skipped, and anything after
// the fingerprint on its line (a comment) ignored.
func readIgnoreFile(name string, set map[string]bool) error {
	fh, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("read the ignore file: %w", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fp := strings.Fields(line)[0]
		if !isFingerprint(fp) {
			return fmt.Errorf("%s:%d: %q is not a fingerprint (32 hex digits, as findings report them)", name, n, fp)
		}
		set[fp] = true
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

func isFingerprint(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
