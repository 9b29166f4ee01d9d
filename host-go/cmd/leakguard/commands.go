package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	leakguard "github.com/leakguard/leakguard/host-go"
)

const redactHelp = `usage: leakguard redact [flags]

Copies standard input to standard output with every secret replaced. It
streams: memory stays bounded whatever the input's size, and each line is
written as soon as it is complete (a private key block as soon as it ends).

flags:
`

func runRedact(ctx context.Context, args []string, e env) (int, error) {
	fs := newFlagSet("redact", e, redactHelp)
	config := fs.String("config", "", "rule `file` (TOML) to use instead of the default rules")
	style := fs.String("style", "placeholder", "placeholder ([REDACTED:rule]), mask (keep the first --keep characters, * for the rest) or hash ([REDACTED:fingerprint])")
	keep := fs.Int("keep", 4, "characters the mask style keeps")
	maxCarry := fs.Int("max-carry", leakguard.DefaultMaxCarry, "longest unfinished line held back, in `bytes`, before it is cut")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitError, err
	}
	switch {
	case len(paths) > 0:
		return exitError, usagef("redact reads standard input and takes no arguments")
	case *style != "placeholder" && *style != "mask" && *style != "hash":
		return exitError, usagef("unknown style %q (placeholder, mask or hash)", *style)
	case *keep < 0:
		return exitError, usagef("--keep must not be negative")
	case flagSet(fs, "keep") && *style != "mask":
		return exitError, usagef("--keep goes with --style mask")
	}
	redaction := []leakguard.RedactOption{leakguard.WithStyle(leakguard.Style(*style))}
	if *style == "mask" {
		redaction = append(redaction, leakguard.WithKeep(*keep))
	}
	s, err := newScanner(ctx, e, *config, 1)
	if err != nil {
		return exitError, err
	}
	defer s.Close(context.WithoutCancel(ctx))
	w := leakguard.NewRedactingWriter(e.stdout, s,
		leakguard.WithMaxCarry(*maxCarry),
		leakguard.WithRedaction(redaction...))
	if _, err := io.Copy(w, e.stdin); err != nil {
		return exitError, err
	}
	if err := w.Close(); err != nil {
		return exitError, err
	}
	return exitClean, nil
}

// flagSet reports whether the flag called name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

const rulesHelp = `usage: leakguard rules [flags]

Lists the active rules: the default ones, or those of --config.

flags:
`

func runRules(ctx context.Context, args []string, e env) (int, error) {
	fs := newFlagSet("rules", e, rulesHelp)
	config := fs.String("config", "", "rule `file` (TOML) to list instead of the default rules")
	format := fs.String("format", "text", "text (a table) or json")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(paths) > 0 {
		return exitError, usagef("rules takes no arguments")
	}
	if *format != "text" && *format != "json" {
		return exitError, usagef("unknown format %q (text or json)", *format)
	}
	s, err := newScanner(ctx, e, *config, 1)
	if err != nil {
		return exitError, err
	}
	defer s.Close(context.WithoutCancel(ctx))
	rules, err := s.Rules(ctx)
	if err != nil {
		return exitError, err
	}
	out := bufio.NewWriter(e.stdout)
	if *format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"rules": rules, "count": len(rules)}); err != nil {
			return exitError, err
		}
	} else {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RULE\tSEVERITY\tTAGS\tDESCRIPTION")
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.Tags, ","), r.Description)
		}
		if err := tw.Flush(); err != nil {
			return exitError, err
		}
		fmt.Fprintf(out, "\n%d rules\n", len(rules))
	}
	if err := out.Flush(); err != nil {
		return exitError, fmt.Errorf("write: %w", err)
	}
	return exitClean, nil
}

func runVersion(ctx context.Context, args []string, e env) (int, error) {
	if len(args) > 0 {
		return exitError, usagef("version takes no arguments")
	}
	s, err := newScanner(ctx, e, "", 1)
	if err != nil {
		return exitError, err
	}
	defer s.Close(context.WithoutCancel(ctx))
	fmt.Fprintf(e.stdout, "leakguard %s\n", s.Version())
	return exitClean, nil
}
