package leakguard_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	leakguard "github.com/leakguard/leakguard/host-go"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// fingerprint is the contract's fingerprint, computed independently of
// the engine: SHA-256 over rule id, NUL, secret; 32 hex digits.
func fingerprint(rule, secret string) string {
	sum := sha256.Sum256([]byte(rule + "\x00" + secret))
	return hex.EncodeToString(sum[:16])
}

func TestScan(t *testing.T) {
	s := newScanner(t)
	ctx := context.Background()
	cases := []struct {
		name string
		text string
		want []leakguard.Finding
	}{
		{
			name: "nothing",
			text: "just some text\nwith two lines\n",
			want: nil,
		},
		{
			name: "one token, positions in characters and bytes",
			text: "é\n  token: " + fakeGitHub + "\n",
			want: []leakguard.Finding{{
				Rule: "github-pat-classic", Severity: "high",
				Line: 2, Column: 10, EndLine: 2, EndColumn: 49, Start: 12, End: 52,
				Secret: "ghp_****", Fingerprint: fingerprint("github-pat-classic", fakeGitHub),
			}},
		},
		{
			name: "two rules, sorted by position",
			text: "b=" + fakeStripe + " a=" + fakeAWS,
			want: []leakguard.Finding{
				{Rule: "stripe-live-secret-key", Severity: "critical", Line: 1, Column: 3, EndLine: 1, EndColumn: 34, Start: 2, End: 34,
					Secret: "sk_l****", Fingerprint: fingerprint("stripe-live-secret-key", fakeStripe)},
				{Rule: "aws-access-key-id", Severity: "critical", Line: 1, Column: 38, EndLine: 1, EndColumn: 57, Start: 37, End: 57,
					Secret: "AKIA****", Fingerprint: fingerprint("aws-access-key-id", fakeAWS)},
			},
		},
		{
			name: "a secret over several lines",
			text: "key:\n" + fakeRSA + "\n",
			want: []leakguard.Finding{{
				Rule: "private-key-rsa", Severity: "critical",
				Line: 2, Column: 1, EndLine: 6, EndColumn: 29, Start: 5, End: 5 + len(fakeRSA),
				Secret: "----****", Fingerprint: fingerprint("private-key-rsa", fakeRSA),
			}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Scan(ctx, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				g := got[i]
				// The rule's metadata and the entropy come from the rule
				// set; the test checks them for being there, not their text.
				if g.Description == "" || len(g.Tags) == 0 || g.Entropy <= 0 {
					t.Errorf("finding %d lacks rule metadata or entropy: %+v", i, g)
				}
				g.Description, g.Tags, g.Entropy = "", nil, 0
				if !reflect.DeepEqual(g, c.want[i]) {
					t.Errorf("finding %d\n got %+v\nwant %+v", i, g, c.want[i])
				}
			}
		})
	}
}

func TestScanDocuments(t *testing.T) {
	s := newScanner(t)
	ctx := context.Background()
	docs := []leakguard.Document{
		{ID: "1", Path: "a/.env", Text: "GITHUB_TOKEN=" + fakeGitHub + "\nNPM=" + fakeNPM + "\n"},
		{ID: "2", Text: "clean"},
		{Path: "b.txt", Text: "x " + fakeSlack},
	}
	got, err := s.ScanDocuments(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ doc, path, rule string }
	var keys []key
	for _, f := range got {
		keys = append(keys, key{f.Document, f.Path, f.Rule})
	}
	want := []key{{"1", "a/.env", "github-pat-classic"}, {"1", "a/.env", "npm-token"}, {"", "b.txt", "slack-bot-oauth-token"}}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("\n got %v\nwant %v", keys, want)
	}

	if got, err := s.ScanDocuments(ctx, nil); err != nil || got != nil {
		t.Errorf("no documents: %v, %v", got, err)
	}
	_, err = s.ScanDocuments(ctx, []leakguard.Document{{Text: "a"}, {Text: "b"}})
	if !errors.Is(err, leakguard.ErrBadRequest) {
		t.Errorf("a batch without ids or paths: %v, want ErrBadRequest", err)
	}
}

func TestRedact(t *testing.T) {
	s := newScanner(t)
	ctx := context.Background()
	text := "gh=" + fakeGitHub + " slack=" + fakeSlack + " ok"
	hash := func(rule, secret string) string { return "[REDACTED:" + fingerprint(rule, secret)[:12] + "]" }
	cases := []struct {
		name string
		opts []leakguard.RedactOption
		want string
	}{
		{"placeholder by default", nil, "gh=[REDACTED:github-pat-classic] slack=[REDACTED:slack-bot-oauth-token] ok"},
		{"mask keeps 4", []leakguard.RedactOption{leakguard.WithStyle(leakguard.StyleMask)},
			"gh=ghp_" + strings.Repeat("*", 36) + " slack=xoxb" + strings.Repeat("*", len(fakeSlack)-4) + " ok"},
		{"mask keeps 0", []leakguard.RedactOption{leakguard.WithStyle(leakguard.StyleMask), leakguard.WithKeep(0)},
			"gh=" + strings.Repeat("*", 40) + " slack=" + strings.Repeat("*", len(fakeSlack)) + " ok"},
		{"hash", []leakguard.RedactOption{leakguard.WithStyle(leakguard.StyleHash)},
			"gh=" + hash("github-pat-classic", fakeGitHub) + " slack=" + hash("slack-bot-oauth-token", fakeSlack) + " ok"},
	}
	for _, c := range cases {
		got, findings, err := s.Redact(ctx, text, c.opts...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
		if len(findings) != 2 || findings[0].Secret != "ghp_****" {
			t.Errorf("%s: findings %+v", c.name, findings)
		}
	}
	if _, _, err := s.Redact(ctx, text, leakguard.WithStyle("shout")); !errors.Is(err, leakguard.ErrBadRequest) {
		t.Errorf("an unknown style: %v, want ErrBadRequest", err)
	}
}

const customRules = `
[[rules]]
id = "acme-api-key"
description = "ACME Corp API key"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
tags = ["acme"]
severity = "low"
`

func TestCustomRules(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "rules.toml")
	if err := os.WriteFile(file, []byte(customRules), 0o644); err != nil {
		t.Fatal(err)
	}
	key := "acme_" + "4f9c2b7e1d8a3f6c" + "0b5e9d2a7c4f1e8b"
	for name, opt := range map[string]leakguard.Option{"WithRules": leakguard.WithRules(customRules), "WithRulesFile": leakguard.WithRulesFile(file)} {
		t.Run(name, func(t *testing.T) {
			s := newScanner(t, opt)
			rules, err := s.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rules) != 1 || rules[0].ID != "acme-api-key" || rules[0].Severity != "low" || !reflect.DeepEqual(rules[0].Tags, []string{"acme"}) {
				t.Fatalf("rules: %+v", rules)
			}
			// The custom set replaces the defaults.
			got, err := s.Scan(ctx, "k="+key+" gh="+fakeGitHub)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Rule != "acme-api-key" {
				t.Fatalf("findings: %+v", got)
			}
		})
	}
}

func TestDefaultRules(t *testing.T) {
	s := newScanner(t)
	rules, err := s.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]leakguard.Rule{}
	for i, r := range rules {
		if i > 0 && rules[i-1].ID >= r.ID {
			t.Errorf("rules are not sorted by id: %s before %s", rules[i-1].ID, r.ID)
		}
		ids[r.ID] = r
	}
	for _, id := range []string{"github-pat-classic", "slack-bot-oauth-token", "aws-access-key-id", "private-key-rsa"} {
		if r, ok := ids[id]; !ok || r.Description == "" || len(r.Keywords) == 0 {
			t.Errorf("rule %s missing or incomplete: %+v", id, r)
		}
	}
	if len(s.Warnings()) != 0 {
		t.Errorf("the default rules have warnings: %+v", s.Warnings())
	}
	if s.Version() == "" {
		t.Error("no engine version")
	}
}

func TestNewErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		opts  []leakguard.Option
		check func(error) bool
		msg   string
	}{
		{"missing rule file", []leakguard.Option{leakguard.WithRulesFile(filepath.Join(t.TempDir(), "nope.toml"))},
			func(err error) bool { return errors.Is(err, fs.ErrNotExist) }, "leakguard: read rules: open "},
		{"not TOML", []leakguard.Option{leakguard.WithRules("[[rules]\nid = ")},
			func(err error) bool { return errors.Is(err, leakguard.ErrBadRequest) }, "leakguard: load rules: "},
		{"empty rule file", []leakguard.Option{leakguard.WithRules("")},
			func(err error) bool { return err != nil }, "leakguard: load rules: the rule file is empty"},
	}
	for _, c := range cases {
		s, err := leakguard.New(ctx, append(c.opts, leakguard.WithCacheDir(testCacheDir))...)
		if err == nil {
			_ = s.Close(ctx)
			t.Errorf("%s: no error", c.name)
			continue
		}
		var lerr *leakguard.Error
		if !c.check(err) || !errors.As(err, &lerr) || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("%s: %v (%T)", c.name, err, err)
		}
	}
}

func TestWarnings(t *testing.T) {
	rules := customRules + `
[[rules]]
id = "look-behind"
description = "a regex the engine cannot compile"
regex = '''(?<=key=)[a-z]{10}'''
keywords = ["key="]
`
	s := newScanner(t, leakguard.WithRules(rules))
	w := s.Warnings()
	if len(w) != 1 || w[0].Rule != "look-behind" || w[0].Message == "" {
		t.Fatalf("warnings: %+v", w)
	}
	rs, err := s.Rules(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("the other rules must still load: %+v, %v", rs, err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	s := newScanner(t)
	_, err := s.Scan(ctx, strings.Repeat("a", plugin.DefaultMaxInput+1))
	var perr *plugin.Error
	if !errors.Is(err, leakguard.ErrTooLarge) || !errors.As(err, &perr) || !strings.HasPrefix(err.Error(), "leakguard: scan: too-large") {
		t.Errorf("oversized text: %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Scan(cancelled, "x"); !errors.Is(err, leakguard.ErrCancelled) {
		t.Errorf("cancelled context: %v", err)
	}

	c := closedScanner(t)
	if _, err := c.Scan(ctx, "x"); !errors.Is(err, leakguard.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestConcurrent scans from many goroutines at once through one Scanner.
func TestConcurrent(t *testing.T) {
	s := newScanner(t, leakguard.WithPoolSize(4))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				text := fmt.Sprintf("%s g=%d i=%d", strings.Repeat("x\n", g+i), g, i) + " t=" + fakeGitHub
				got, err := s.Scan(ctx, text)
				if err != nil {
					errs <- err
					return
				}
				if len(got) != 1 || got[0].Line != g+i+1 {
					errs <- fmt.Errorf("goroutine %d, call %d: %+v", g, i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestReport(t *testing.T) {
	s := newScanner(t)
	ctx := context.Background()
	findings, err := s.ScanDocuments(ctx, []leakguard.Document{
		{Path: "a.env", Text: "T=" + fakeGitHub},
		{Path: "b.env", Text: "S=" + fakeSlack + "\nN=" + fakeNPM},
	})
	if err != nil || len(findings) != 3 {
		t.Fatalf("%v, %+v", err, findings)
	}
	findings[0].Commit, findings[0].Author = "0123abc", "Ann"

	out, err := s.Report(ctx, findings, leakguard.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var back struct{ Findings []leakguard.Finding }
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Findings, findings) {
		t.Errorf("findings do not survive a JSON report\n got %+v\nwant %+v", back.Findings, findings)
	}

	out, err = s.Report(ctx, findings, leakguard.FormatJSONL)
	if err != nil || strings.Count(out, "\n") != 3 {
		t.Errorf("jsonl: %v\n%s", err, out)
	}
	out, err = s.Report(ctx, findings, leakguard.FormatSARIF)
	if err != nil || !strings.Contains(out, `"2.1.0"`) {
		t.Errorf("sarif: %v\n%s", err, out)
	}
	plain, err := s.Report(ctx, findings, leakguard.FormatText)
	if err != nil || !strings.Contains(plain, "slack-bot-oauth-token") || strings.Contains(plain, "\x1b[") {
		t.Errorf("text: %v\n%s", err, plain)
	}
	colored, err := s.Report(ctx, findings, leakguard.FormatText, leakguard.WithColor(true))
	if err != nil || !strings.Contains(colored, "\x1b[") {
		t.Errorf("coloured text: %v\n%s", err, colored)
	}
	empty, err := s.Report(ctx, nil, leakguard.FormatJSON)
	if err != nil || !strings.Contains(empty, `"findings": []`) {
		t.Errorf("no findings: %v\n%s", err, empty)
	}
	if _, err := s.Report(ctx, findings, "yaml"); !errors.Is(err, leakguard.ErrBadRequest) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestFindingJSON(t *testing.T) {
	// Nil tags encode as a list; optional fields are left out when empty.
	b, err := json.Marshal(leakguard.Finding{Rule: "r", Fingerprint: "f"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"r","description":"","severity":"","tags":[],"line":0,"column":0,"end_line":0,"end_column":0,"start":0,"end":0,"secret":"","entropy":0,"fingerprint":"f"}`
	if string(b) != want {
		t.Errorf("\n got %s\nwant %s", b, want)
	}
}
