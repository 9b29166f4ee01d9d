package leakguard

import (
	"context"
	"errors"
)

// Style is how [Scanner.Redact] replaces a secret.
type Style string

const (
	// StylePlaceholder replaces the secret with [REDACTED:<rule id>]
	// (the default).
	StylePlaceholder Style = "placeholder"
	// StyleMask keeps the first few characters (see [WithKeep]) and turns
	// every other character of the secret into `*`, keeping its length.
	StyleMask Style = "mask"
	// StyleHash replaces the secret with [REDACTED:<12 hex digits of its
	// fingerprint>], so equal secrets stay recognisably equal.
	StyleHash Style = "hash"
)

// RedactOption tunes [Scanner.Redact].
type RedactOption func(*redactRequest)

// WithStyle chooses how secrets are replaced.
func WithStyle(s Style) RedactOption { return func(r *redactRequest) { r.Style = s } }

// WithKeep sets how many leading characters [StyleMask] keeps (default 4).
func WithKeep(n int) RedactOption { return func(r *redactRequest) { r.Keep = &n } }

// WithPath names the text's file, for rules that apply to some paths only.
func WithPath(path string) RedactOption { return func(r *redactRequest) { r.Path = path } }

type redactRequest struct {
	Text   string `json:"text"`
	Path   string `json:"path,omitempty"`
	Style  Style  `json:"style,omitempty"`
	Keep   *int   `json:"keep,omitempty"`
	Config string `json:"config,omitempty"`
}

// Redact returns text with every secret replaced, and the findings (their
// offsets refer to the text as given). Only the secret itself is replaced;
// everything around it is returned unchanged, except that bytes that are
// not valid UTF-8 come back as U+FFFD.
//
// # Errors
//
// As [Scanner.Scan]; [ErrBadRequest] for an unknown style.
func (s *Scanner) Redact(ctx context.Context, text string, opts ...RedactOption) (string, []Finding, error) {
	req := redactRequest{Text: text, Config: s.config}
	for _, o := range opts {
		o(&req)
	}
	var reply struct {
		Text     *string   `json:"text"`
		Findings []Finding `json:"findings"`
	}
	if err := s.call(ctx, "redact", req, &reply); err != nil {
		return "", nil, err
	}
	if reply.Text == nil {
		// Never hand back an empty string as "the redacted text".
		return "", nil, &Error{Op: "redact", Err: errors.New("the engine's reply has no text")}
	}
	return *reply.Text, reply.Findings, nil
}

// Format is a report format of [Scanner.Report].
type Format string

const (
	// FormatJSON is {"findings": [...]}, indented, with a final newline.
	FormatJSON Format = "json"
	// FormatJSONL is one compact finding per line.
	FormatJSONL Format = "jsonl"
	// FormatSARIF is SARIF 2.1.0, as code-scanning services read it.
	FormatSARIF Format = "sarif"
	// FormatText is for people; see [WithColor].
	FormatText Format = "text"
)

// ReportOption tunes [Scanner.Report].
type ReportOption func(*reportRequest)

// WithColor adds ANSI colours to [FormatText].
func WithColor(on bool) ReportOption { return func(r *reportRequest) { r.Color = on } }

type reportRequest struct {
	Format   Format    `json:"format"`
	Findings []Finding `json:"findings"`
	Color    bool      `json:"color,omitempty"`
}

// Report formats findings. Every leakguard CLI formats through the same
// engine action, so reports are identical whichever host made them.
//
// # Errors
//
// As [Scanner.Scan]; [ErrBadRequest] for an unknown format.
func (s *Scanner) Report(ctx context.Context, findings []Finding, format Format, opts ...ReportOption) (string, error) {
	req := reportRequest{Format: format, Findings: findings}
	if req.Findings == nil {
		req.Findings = []Finding{}
	}
	for _, o := range opts {
		o(&req)
	}
	var reply struct {
		Output *string `json:"output"`
	}
	if err := s.call(ctx, "report", req, &reply); err != nil {
		return "", err
	}
	if reply.Output == nil {
		return "", &Error{Op: "report", Err: errors.New("the engine's reply has no output")}
	}
	return *reply.Output, nil
}
