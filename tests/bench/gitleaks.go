package main

import (
	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
)

// gitleaksRegexp names the regex engine gitleaks was built with: "stdlib"
// (Go's regexp) unless built with the gore2regex tag, which this module
// never sets.
const gitleaksRegexp = glregexp.Version

// gitleaksThroughput scans the corpus with gitleaks' detector (its library,
// its default rule file), one file per call on one goroutine, as leakguard
// is measured on one instance.
func gitleaksThroughput(m *Manifest, c *Corpus, docs []Doc) (Row, error) {
	// The detector logs at info level to stderr; nothing of it is needed.
	logging.Logger = zerolog.Nop()
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		return Row{}, err
	}
	var locs []Location
	seconds, err := timed(m.Runs, func() error {
		locs = locs[:0]
		for _, doc := range docs {
			// StartLine 1: lines count from 1, as gitleaks' own file
			// source numbers them.
			for _, f := range d.Detect(detect.Fragment{Raw: doc.Text, FilePath: doc.Path, StartLine: 1}) {
				locs = append(locs, Location{doc.Path, f.StartLine, f.EndLine})
			}
		}
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return throughputRow("gitleaks", "gitleaks", c, seconds, locs), nil
}
