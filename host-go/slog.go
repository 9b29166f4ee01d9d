package leakguard

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
)

// NewRedactingHandler returns a [slog.Handler] that redacts secrets (found
// by s, replaced in the default placeholder style) in every record's
// message and attribute values before h sees them: string values, the text
// of values that are errors or [fmt.Stringer]s, values of [slog.LogValuer]s
// once resolved, and the attributes of groups at any depth, including
// those added with WithAttrs (redacted once, when added). Attribute keys
// are left alone: they come from code, not data.
//
// A value of any other kind (a struct, a map) is checked through its %+v
// text and, if that holds a secret, replaced by the redacted text;
// otherwise it reaches h untouched. Numbers, booleans, times and durations
// are passed through.
//
// A record costs one engine call, plus one for each value that holds a
// secret. If the engine fails, h receives the record with its message and
// every value that would have been checked replaced by a notice, and
// Handle returns the error: nothing unchecked gets through.
func NewRedactingHandler(h slog.Handler, s *Scanner) slog.Handler {
	return &redactingHandler{h: h, s: s}
}

type redactingHandler struct {
	h slog.Handler
	s *Scanner
}

// withheld replaces what could not be checked for secrets.
const withheld = "[leakguard: withheld, redaction failed]"

func (r *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.h.Enabled(ctx, l)
}

func (r *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	attrs := make([]slog.Attr, 0, rec.NumAttrs())
	rec.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, a)
		return true
	})
	msg := slog.StringValue(rec.Message)
	red := redaction{}
	red.collect(&msg)
	red.collectAttrs(attrs)
	// A log line written while a request is being cancelled must still be
	// redacted, so the engine call does not inherit the cancellation.
	err := red.run(context.WithoutCancel(ctx), r.s)
	out := slog.NewRecord(rec.Time, rec.Level, msg.String(), rec.PC)
	out.AddAttrs(attrs...)
	if herr := r.h.Handle(ctx, out); herr != nil {
		return herr
	}
	return err
}

func (r *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	attrs = append([]slog.Attr(nil), attrs...)
	red := redaction{}
	red.collectAttrs(attrs)
	// WithAttrs cannot fail; on an engine error the values are withheld.
	_ = red.run(context.Background(), r.s)
	return &redactingHandler{h: r.h.WithAttrs(attrs), s: r.s}
}

func (r *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{h: r.h.WithGroup(name), s: r.s}
}

// redaction gathers the values of one record that may hold secrets, so
// that they are all checked in one engine call.
type redaction struct {
	slots []*slog.Value // where each text came from
	texts []string      // the text to check
	// groups rebuild the group values once their attributes are final,
	// innermost first (slog.GroupValue may copy its attributes, so they
	// cannot be edited in place afterwards).
	groups []func()
}

func (r *redaction) collectAttrs(attrs []slog.Attr) {
	for i := range attrs {
		r.collect(&attrs[i].Value)
	}
}

// collect registers *v for checking, resolving a LogValuer and descending
// into groups (whose attributes are copied, so the caller's are not
// modified).
func (r *redaction) collect(v *slog.Value) {
	*v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		r.add(v, v.String())
	case slog.KindGroup:
		group := append([]slog.Attr(nil), v.Group()...)
		r.collectAttrs(group)
		r.groups = append(r.groups, func() { *v = slog.GroupValue(group...) })
	case slog.KindAny:
		switch a := v.Any().(type) {
		case error:
			r.add(v, a.Error())
		case fmt.Stringer:
			r.add(v, a.String())
		case []byte:
			r.add(v, string(a))
		default:
			r.add(v, fmt.Sprintf("%+v", a))
		}
	}
}

func (r *redaction) add(v *slog.Value, text string) {
	if text == "" {
		return
	}
	r.slots = append(r.slots, v)
	r.texts = append(r.texts, text)
}

// run checks every collected text and replaces the values that hold a
// secret with their redacted text (or everything with a notice, if the
// engine fails).
func (r *redaction) run(ctx context.Context, s *Scanner) error {
	err := r.redact(ctx, s)
	if err != nil {
		for _, v := range r.slots {
			*v = slog.StringValue(withheld)
		}
	}
	for _, g := range r.groups {
		g()
	}
	return err
}

func (r *redaction) redact(ctx context.Context, s *Scanner) error {
	if len(r.texts) == 0 {
		return nil
	}
	docs := make([]Document, len(r.texts))
	for i, t := range r.texts {
		docs[i] = Document{ID: strconv.Itoa(i), Text: t}
	}
	findings, err := s.ScanDocuments(ctx, docs)
	if err != nil {
		return err
	}
	dirty := map[int]bool{}
	for _, f := range findings {
		i, err := strconv.Atoi(f.Document)
		if err != nil || i < 0 || i >= len(r.texts) {
			return &Error{Op: "scan", Err: fmt.Errorf("a finding names an unknown document %q", f.Document)}
		}
		dirty[i] = true
	}
	for i := range r.texts {
		if !dirty[i] {
			continue
		}
		out, _, err := s.Redact(ctx, r.texts[i])
		if err != nil {
			return err
		}
		*r.slots[i] = slog.StringValue(out)
	}
	return nil
}
