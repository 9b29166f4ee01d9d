package leakguard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	leakguard "github.com/leakguard/leakguard/host-go"
)

// jsonLogger logs through a redacting handler into a JSON handler whose
// output the test reads back.
func jsonLogger(s *leakguard.Scanner) (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	inner := slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // no timestamps: exact comparisons
			}
			return a
		},
	})
	return slog.New(leakguard.NewRedactingHandler(inner, s)), &buf
}

// stringer and secretError carry a secret in their text.
type stringer struct{ s string }

func (v stringer) String() string { return "conn(" + v.s + ")" }

type secretError struct{ key string }

func (e secretError) Error() string { return "auth failed for key " + e.key }

// lazy is a LogValuer that resolves to a group.
type lazy struct{ token string }

func (l lazy) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", l.token), slog.Int("ttl", 60))
}

type credentials struct {
	User  string
	Token string
}

func TestRedactingHandler(t *testing.T) {
	s := newScanner(t)
	const gh = "[REDACTED:github-pat-classic]"
	const slack = "[REDACTED:slack-bot-oauth-token]"
	cases := []struct {
		name string
		log  func(*slog.Logger)
		want map[string]any
	}{
		{
			name: "message and plain attributes",
			log: func(l *slog.Logger) {
				l.Info("token is "+fakeGitHub, "user", "ann", "n", 3, "ok", true, "d", 2*time.Second)
			},
			want: map[string]any{"level": "INFO", "msg": "token is " + gh, "user": "ann", "n": 3.0, "ok": true, "d": 2e9},
		},
		{
			name: "nested groups",
			log: func(l *slog.Logger) {
				l.Warn("call", slog.Group("req", slog.String("path", "/v1/x"),
					slog.Group("auth", slog.String("bearer", fakeSlack), slog.Group("deeper", slog.String("gh", fakeGitHub), slog.Int("n", 1)))))
			},
			want: map[string]any{"level": "WARN", "msg": "call", "req": map[string]any{
				"path": "/v1/x",
				"auth": map[string]any{"bearer": slack, "deeper": map[string]any{"gh": gh, "n": 1.0}},
			}},
		},
		{
			name: "WithAttrs and WithGroup",
			log: func(l *slog.Logger) {
				l.With("svc", "api", "key", fakeGitHub).WithGroup("g").With("inner", fakeSlack).WithGroup("h").Info("m", "v", fakeGitHub, "clean", "x")
			},
			want: map[string]any{"level": "INFO", "msg": "m", "svc": "api", "key": gh, "g": map[string]any{
				"inner": slack, "h": map[string]any{"v": gh, "clean": "x"},
			}},
		},
		{
			name: "errors, Stringers, LogValuers, structs and bytes",
			log: func(l *slog.Logger) {
				l.Error("failure",
					"err", secretError{fakeGitHub},
					"conn", stringer{fakeSlack},
					"lazy", lazy{fakeGitHub},
					"creds", credentials{User: "ann", Token: fakeGitHub},
					"plain", credentials{User: "bob", Token: "none"},
					"raw", []byte("token="+fakeGitHub),
					"joined", errors.Join(errors.New("first"), secretError{fakeSlack}),
				)
			},
			want: map[string]any{"level": "ERROR", "msg": "failure",
				"err":    "auth failed for key " + gh,
				"conn":   "conn(" + slack + ")",
				"lazy":   map[string]any{"token": gh, "ttl": 60.0},
				"creds":  "{User:ann Token:" + gh + "}",
				"plain":  map[string]any{"User": "bob", "Token": "none"}, // clean: passed on as is
				"raw":    "token=" + gh,
				"joined": "first\nauth failed for key " + slack,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, buf := jsonLogger(s)
			c.log(l)
			for _, secret := range fakeSecrets {
				if strings.Contains(buf.String(), secret) {
					t.Fatalf("a secret reached the handler: %s", buf.String())
				}
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("%v: %s", err, buf.String())
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("\n got %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestRedactingHandlerEnabled(t *testing.T) {
	s := newScanner(t)
	inner := slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelWarn})
	h := leakguard.NewRedactingHandler(inner, s)
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled does not follow the wrapped handler")
	}
}

// TestRedactingHandlerWithholds checks that a record that cannot be
// checked reaches the handler without its text, and Handle says why.
func TestRedactingHandlerWithholds(t *testing.T) {
	s := closedScanner(t)
	var buf bytes.Buffer
	h := leakguard.NewRedactingHandler(slog.NewTextHandler(&buf, nil), s)
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "token "+fakeGitHub, 0)
	r.AddAttrs(slog.String("k", fakeSlack), slog.Int("n", 7))
	if err := h.Handle(context.Background(), r); !errors.Is(err, leakguard.ErrClosed) {
		t.Fatalf("Handle: %v, want ErrClosed", err)
	}
	got := buf.String()
	want := `level=INFO msg="[leakguard: withheld, redaction failed]" k="[leakguard: withheld, redaction failed]" n=7` + "\n"
	if got != want {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
}
