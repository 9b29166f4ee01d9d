// Package leakguard finds and redacts leaked secrets (API keys, tokens,
// private keys, passwords in connection strings) in text, from Go.
//
// The scanning engine is the leakguard core, a WebAssembly module embedded
// in this package and run with wazero: no cgo, no Rust toolchain, no files
// or network for the engine. A [Scanner] compiles the module once and keeps
// a pool of instances, so one Scanner serves any number of goroutines.
//
//	s, err := leakguard.New(ctx)
//	if err != nil { ... }
//	defer s.Close(ctx)
//	findings, err := s.Scan(ctx, text)
//
// Beyond [Scanner.Scan] and [Scanner.Redact], the package redacts streams:
// [NewRedactingWriter] wraps an [io.Writer] and [NewRedactingHandler] a
// [log/slog.Handler], so secrets are removed before they reach a log.
package leakguard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// Option configures [New].
//
// Options are functions rather than a Config value with With methods
// because almost every caller passes none or one, and because one of them
// ([WithRulesFile]) does I/O whose failure belongs to New's error.
type Option func(*settings)

type settings struct {
	rules       string
	rulesSet    bool
	rulesFile   string
	poolSize    int
	memoryLimit uint64
	timeout     time.Duration
	cacheDir    string
	logger      *slog.Logger
	reveal      bool
}

// WithRules uses the rule file text toml (TOML, a superset of gitleaks'
// format; `[extend] useDefault = true` adds the default rules) instead of
// the default rules.
func WithRules(toml string) Option {
	return func(s *settings) { s.rules, s.rulesSet, s.rulesFile = toml, true, "" }
}

// WithRulesFile reads the rule file at path (see [WithRules]) in [New].
func WithRulesFile(path string) Option {
	return func(s *settings) { s.rulesFile, s.rulesSet = path, false }
}

// WithPoolSize bounds the number of engine instances, and so the number of
// calls that run at once (each instance is single-threaded). The default
// is the plugin host's (the number of CPUs).
func WithPoolSize(n int) Option { return func(s *settings) { s.poolSize = n } }

// WithMemoryLimit caps each instance's memory, in bytes.
func WithMemoryLimit(bytes uint64) Option { return func(s *settings) { s.memoryLimit = bytes } }

// WithTimeout bounds every call; a call that takes longer fails with
// [ErrTimeout] and its instance is replaced.
func WithTimeout(d time.Duration) Option { return func(s *settings) { s.timeout = d } }

// WithCacheDir keeps compiled code in dir, so that a process that starts
// often compiles the module once, not at every start.
func WithCacheDir(dir string) Option { return func(s *settings) { s.cacheDir = dir } }

// WithLogger receives the engine's own output and rule-file warnings. The
// default discards them.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithReveal makes findings carry the secret itself in Finding.Secret
// instead of its masked form (the first characters and "****").
//
// # Notes
//
//   - Findings then hold the very secrets they report: keep them, and any
//     report made from them, as protected as the scanned text.
//   - Redaction is unaffected: redacted text never holds a secret.
func WithReveal() Option { return func(s *settings) { s.reveal = true } }

// Scanner scans and redacts text with one rule set. It is safe for
// concurrent use; Close releases it.
type Scanner struct {
	p        *plugin.Plugin
	config   string // rule file text; "" for the default rules
	reveal   bool
	logger   *slog.Logger
	warnings []Warning
	rules    int
}

// New loads the engine and checks the rule set.
//
// # Notes
//
//   - Loading compiles the module to machine code, which takes seconds on a
//     small machine: make one Scanner and share it (it is safe for
//     concurrent use), and give programs that start often a [WithCacheDir].
//   - Each engine instance also compiles the rule set on its first call.
//
// # Errors
//
// An [*Error] when the rule file cannot be read or does not parse (a rule
// whose regex cannot be compiled is not an error: it is skipped and
// reported by [Scanner.Warnings]), or when the engine cannot be loaded.
func New(ctx context.Context, opts ...Option) (*Scanner, error) {
	var st settings
	for _, o := range opts {
		o(&st)
	}
	if st.rulesFile != "" {
		b, err := os.ReadFile(st.rulesFile)
		if err != nil {
			return nil, &Error{Op: "read rules", Err: err}
		}
		st.rules, st.rulesSet = string(b), true
	}
	logger := st.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := plugin.NewConfig().WithLogger(logger)
	if st.poolSize > 0 {
		cfg = cfg.WithPoolSize(st.poolSize)
	}
	if st.memoryLimit > 0 {
		cfg = cfg.WithMemoryLimit(st.memoryLimit)
	}
	if st.timeout > 0 {
		cfg = cfg.WithTimeout(st.timeout)
	}
	if st.cacheDir != "" {
		cfg = cfg.WithCacheDir(st.cacheDir)
	}
	p, err := plugin.New(ctx, embed.Binary, cfg)
	if err != nil {
		return nil, &Error{Op: "load engine", Err: err}
	}
	s := &Scanner{p: p, config: st.rules, logger: logger, reveal: st.reveal}
	if st.rulesSet && st.rules == "" {
		// An empty rule file is a user error, not "the default rules".
		_ = p.Close(ctx)
		return nil, &Error{Op: "load rules", Err: errors.New("the rule file is empty")}
	}
	// Compile the rule set now, so that a bad rule file fails here and not
	// at the first scan, and learn its warnings.
	var reply scanReply
	if err := s.call(ctx, "scan", scanRequest{Text: ptr(""), Config: s.config}, &reply); err != nil {
		_ = p.Close(ctx)
		return nil, &Error{Op: "load rules", Err: errors.Unwrap(err)}
	}
	s.warnings = reply.Warnings
	s.rules = reply.Stats.Rules
	for _, w := range s.warnings {
		logger.Warn("leakguard: rule skipped", "rule", w.Rule, "problem", w.Message)
	}
	return s, nil
}

func ptr[T any](v T) *T { return &v }

// Warnings are the rule-file problems found when the rule set was
// compiled; each names a rule that is not used, and why.
func (s *Scanner) Warnings() []Warning { return append([]Warning(nil), s.warnings...) }

// scanRequest is the input of the `scan` action.
type scanRequest struct {
	Text      *string    `json:"text,omitempty"`
	Path      string     `json:"path,omitempty"`
	Documents []Document `json:"documents,omitempty"`
	Config    string     `json:"config,omitempty"`
	Reveal    bool       `json:"reveal,omitempty"`
}

type scanReply struct {
	Findings []Finding `json:"findings"`
	Warnings []Warning `json:"warnings"`
	Stats    struct {
		Documents int `json:"documents"`
		Bytes     int `json:"bytes"`
		Rules     int `json:"rules"`
	} `json:"stats"`
}

// Scan returns the secrets in text, sorted by position then rule.
//
// # Errors
//
// An [*Error] wrapping the reason: [ErrTooLarge] for text over the
// engine's input limit, [ErrTimeout], [ErrCancelled] (ctx), [ErrClosed].
func (s *Scanner) Scan(ctx context.Context, text string) ([]Finding, error) {
	var reply scanReply
	if err := s.call(ctx, "scan", scanRequest{Text: &text, Config: s.config, Reveal: s.reveal}, &reply); err != nil {
		return nil, err
	}
	return reply.Findings, nil
}

// ScanDocuments scans a batch of documents in one call, which is cheaper
// than one call each for many small texts. Findings are in document
// order, then by position; each carries its document's ID and Path.
//
// # Errors
//
// As [Scanner.Scan]; [ErrBadRequest] when there is more than one document
// and one has neither an ID nor a Path.
func (s *Scanner) ScanDocuments(ctx context.Context, docs []Document) ([]Finding, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	var reply scanReply
	if err := s.call(ctx, "scan", scanRequest{Documents: docs, Config: s.config, Reveal: s.reveal}, &reply); err != nil {
		return nil, err
	}
	return reply.Findings, nil
}

// Rules lists the active rules, sorted by id.
//
// # Errors
//
// An [*Error] when the call fails.
func (s *Scanner) Rules(ctx context.Context) ([]Rule, error) {
	var reply struct {
		Rules []Rule `json:"rules"`
	}
	req := struct {
		Config string `json:"config,omitempty"`
	}{s.config}
	if err := s.call(ctx, "rules", req, &reply); err != nil {
		return nil, err
	}
	return reply.Rules, nil
}

// Version is the engine's version, from its self-description.
func (s *Scanner) Version() string { return s.p.Describe().Version }

// Close releases the engine. Calls made after Close fail with [ErrClosed].
//
// # Errors
//
// The engine host's error, if closing failed.
func (s *Scanner) Close(ctx context.Context) error {
	if err := s.p.Close(ctx); err != nil {
		return &Error{Op: "close", Err: err}
	}
	return nil
}

// call runs action name with req encoded as JSON and decodes the reply
// into resp.
func (s *Scanner) call(ctx context.Context, name string, req, resp any) error {
	data, err := encode(req)
	if err != nil {
		return &Error{Op: name, Err: err}
	}
	out, err := s.p.Call(ctx, name, data)
	if err != nil {
		return &Error{Op: name, Err: err}
	}
	if err := json.Unmarshal(out, resp); err != nil {
		return &Error{Op: name, Err: fmt.Errorf("cannot decode the engine's reply: %w", err)}
	}
	return nil
}

// encode is json.Marshal without HTML escaping: `<`, `>` and `&` stay one
// byte each, so text full of markup does not grow sixfold on its way to
// the engine and hit its input limit.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
