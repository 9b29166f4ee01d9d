package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/leakguard/leakguard/host-go/internal/gittest"
)

// reported is the part of a finding the tests compare exactly.
type reported struct {
	Rule, Path   string
	Line, Column int
	Secret       string
	Commit       string
	Author       string
	Email        string
	Date         string
	Message      string
}

type jsonReport struct {
	Findings []struct {
		reported
		EndLine     int    `json:"end_line"`
		Fingerprint string `json:"fingerprint"`
		Document    string `json:"document"`
	} `json:"findings"`
}

// parseReport reads a JSON report and returns its findings' key fields.
func parseReport(t *testing.T, out string) ([]reported, jsonReport) {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("the JSON report does not parse: %v\n%s", err, out)
	}
	got := []reported{}
	for _, f := range rep.Findings {
		if f.Document != "" {
			t.Errorf("a finding carries the internal document id %q", f.Document)
		}
		got = append(got, f.reported)
	}
	return got, rep
}

// treeFindings are the findings of fixtureTree, in report order.
var treeFindings = []reported{
	{Rule: "stripe-live-secret-key", Path: ".env", Line: 1, Column: 12, Secret: "sk_l****"},
	{Rule: "github-pat-classic", Path: "config/app.yaml", Line: 2, Column: 15, Secret: "ghp_****"},
	{Rule: "slack-bot-oauth-token", Path: "src/chat/main.go", Line: 5, Column: 16, Secret: "xoxb****"},
}

func TestScanTree(t *testing.T) {
	dir := fixtureTree(t)
	r := runCLI(t, t.TempDir(), "", "scan", "--format", "json", "-v", dir)
	if r.code != 1 {
		t.Fatalf("exit status %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	got, _ := parseReport(t, r.stdout)
	if !reflect.DeepEqual(got, treeFindings) {
		t.Errorf("\n got %+v\nwant %+v", got, treeFindings)
	}
	if !strings.HasPrefix(r.stdout, "{\n  \"findings\": [\n") || !strings.HasSuffix(r.stdout, "}\n") {
		t.Errorf("not the indented JSON report:\n%s", r.stdout)
	}
	// -v says what was skipped and why, in path order.
	wantNotes := "leakguard: skipped big.log: larger than the size limit (10485761 bytes > 10485760)\n" +
		"leakguard: skipped image.bin: binary\n" +
		"leakguard: skipped link.yaml: symbolic link\n"
	if r.stderr != wantNotes {
		t.Errorf("stderr\n got %q\nwant %q", r.stderr, wantNotes)
	}
	// Without -v, nothing is said about skipped files.
	if r := runCLI(t, dir, "", "scan", "--format", "json"); r.code != 1 || r.stderr != "" {
		t.Errorf("without -v: status %d, stderr %q", r.code, r.stderr)
	}
}

func TestScanArguments(t *testing.T) {
	dir := fixtureTree(t)
	cases := []struct {
		name string
		cwd  string
		args []string
		want []reported
	}{
		{
			name: "the current directory by default",
			cwd:  dir,
			args: nil,
			want: treeFindings,
		},
		{
			name: "a file is reported under the path as given",
			cwd:  dir,
			args: []string{"./config/app.yaml"},
			want: []reported{{Rule: "github-pat-classic", Path: "./config/app.yaml", Line: 2, Column: 15, Secret: "ghp_****"}},
		},
		{
			name: "a file is scanned even if a .gitignore leaves it out",
			cwd:  dir,
			args: []string{"settings.local"},
			want: []reported{{Rule: "npm-token", Path: "settings.local", Line: 1, Column: 11, Secret: "npm_****"}},
		},
		{
			name: "a subdirectory",
			cwd:  dir,
			args: []string{"src"},
			want: []reported{{Rule: "slack-bot-oauth-token", Path: "chat/main.go", Line: 5, Column: 16, Secret: "xoxb****"}},
		},
		{
			name: "several paths, in the order given, each directory's files relative to it",
			cwd:  dir,
			args: []string{"src", "config", ".env"},
			want: []reported{
				{Rule: "slack-bot-oauth-token", Path: "chat/main.go", Line: 5, Column: 16, Secret: "xoxb****"},
				{Rule: "github-pat-classic", Path: "app.yaml", Line: 2, Column: 15, Secret: "ghp_****"},
				{Rule: "stripe-live-secret-key", Path: ".env", Line: 1, Column: 12, Secret: "sk_l****"},
			},
		},
		{
			name: "flags after paths, one job",
			cwd:  dir,
			args: []string{"config", "-j", "1"},
			want: []reported{{Rule: "github-pat-classic", Path: "app.yaml", Line: 2, Column: 15, Secret: "ghp_****"}},
		},
		{
			name: "a directory with nothing to find",
			cwd:  dir,
			args: []string{"unicode"},
			want: []reported{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, c.cwd, "", append([]string{"scan", "--format", "json"}, c.args...)...)
			wantCode := 1
			if len(c.want) == 0 {
				wantCode = 0
			}
			if r.code != wantCode {
				t.Fatalf("exit status %d, want %d\nstderr: %s", r.code, wantCode, r.stderr)
			}
			got, _ := parseReport(t, r.stdout)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	dir := fixtureTree(t)
	jsonOut := runCLI(t, dir, "", "scan", "--format", "json").stdout
	_, rep := parseReport(t, jsonOut)

	t.Run("jsonl", func(t *testing.T) {
		r := runCLI(t, dir, "", "scan", "--format", "jsonl")
		if r.code != 1 {
			t.Fatalf("exit status %d: %s", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != len(treeFindings) {
			t.Fatalf("%d lines, want %d:\n%s", len(lines), len(treeFindings), r.stdout)
		}
		for i, l := range lines {
			var f struct {
				reported
				Fingerprint string
			}
			if err := json.Unmarshal([]byte(l), &f); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if f.reported != treeFindings[i] || f.Fingerprint != rep.Findings[i].Fingerprint {
				t.Errorf("line %d: %+v", i+1, f)
			}
		}
	})

	t.Run("sarif", func(t *testing.T) {
		r := runCLI(t, dir, "", "scan", "--format", "sarif")
		if r.code != 1 {
			t.Fatalf("exit status %d: %s", r.code, r.stderr)
		}
		validateSARIF(t, r.stdout)
		var log struct {
			Version string
			Runs    []struct {
				Tool struct {
					Driver struct {
						Name  string
						Rules []struct{ ID string }
					}
				}
				Results []struct {
					RuleID              string `json:"ruleId"`
					PartialFingerprints map[string]string
					Locations           []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine, StartColumn int }
						}
					}
				}
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
			t.Fatal(err)
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "leakguard" {
			t.Fatalf("not one leakguard run of SARIF 2.1.0:\n%s", r.stdout)
		}
		run := log.Runs[0]
		if len(run.Tool.Driver.Rules) != 3 || len(run.Results) != 3 {
			t.Fatalf("%d rules and %d results, want 3 and 3", len(run.Tool.Driver.Rules), len(run.Results))
		}
		for i, res := range run.Results {
			want := treeFindings[i]
			loc := res.Locations[0].PhysicalLocation
			if res.RuleID != want.Rule || loc.ArtifactLocation.URI != want.Path || loc.Region.StartLine != want.Line ||
				loc.Region.StartColumn != want.Column || res.PartialFingerprints["leakguard/v1"] != rep.Findings[i].Fingerprint {
				t.Errorf("result %d: %+v", i, res)
			}
		}
	})

	t.Run("text", func(t *testing.T) {
		r := runCLI(t, dir, "", "scan")
		if r.code != 1 {
			t.Fatalf("exit status %d: %s", r.code, r.stderr)
		}
		// Not a terminal: no colours, unless asked for.
		if strings.Contains(r.stdout, "\x1b[") {
			t.Errorf("colours in piped output:\n%s", r.stdout)
		}
		for _, f := range treeFindings {
			if !strings.Contains(r.stdout, f.Path) || !strings.Contains(r.stdout, f.Rule) {
				t.Errorf("the text report lacks %s in %s:\n%s", f.Rule, f.Path, r.stdout)
			}
		}
		for _, secret := range []string{fakeGitHub, fakeSlack, fakeStripe} {
			if strings.Contains(r.stdout, secret) {
				t.Errorf("the text report shows a secret unmasked")
			}
		}
		colored := runCLI(t, dir, "", "scan", "--color", "always")
		if !strings.Contains(colored.stdout, "\x1b[") {
			t.Errorf("--color always gave no colours:\n%s", colored.stdout)
		}
	})
}

// sarifSchema is the SARIF 2.1.0 JSON Schema committed under
// tests/schemas.
func sarifSchema(t *testing.T) string {
	t.Helper()
	schemas, _ := filepath.Glob(filepath.Join("..", "..", "..", "tests", "schemas", "sarif*2.1.0*.json"))
	if len(schemas) != 1 {
		t.Fatalf("want one SARIF 2.1.0 schema under tests/schemas, found %v", schemas)
	}
	return schemas[0]
}

// validateSARIF validates a SARIF log against the SARIF 2.1.0 schema with
// Python's jsonschema package. The test fails (it does not skip) when the
// validator is missing.
func validateSARIF(t *testing.T, doc string) {
	t.Helper()
	docFile := filepath.Join(t.TempDir(), "report.sarif")
	if err := os.WriteFile(docFile, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	validateSARIFWith(t, sarifSchema(t), docFile)
}

// fataler is the part of testing.T validateSARIFWith uses.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

const validateScript = `
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("the Python jsonschema package is missing: pip install jsonschema")
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
for e in errors:
    print("/".join(map(str, e.absolute_path)) + ": " + e.message)
sys.exit(1 if errors else 0)
`

func validateSARIFWith(t fataler, schema, docFile string) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("python3 with the jsonschema package is needed to validate SARIF (pip install jsonschema)")
		return
	}
	out, err := exec.Command("python3", "-c", validateScript, schema, docFile).CombinedOutput()
	if err != nil {
		t.Fatalf("the SARIF report is not valid against %s: %v\n%s", schema, err, out)
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct{ failed bool }

func (*fakeT) Helper()                 {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }

// TestValidateSARIFFails shows that the validation can fail: a log without
// its required version and with a tool lacking its driver is refused.
func TestValidateSARIFFails(t *testing.T) {
	docFile := filepath.Join(t.TempDir(), "bad.sarif")
	if err := os.WriteFile(docFile, []byte(`{"runs": [{"tool": {}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := &fakeT{}
	validateSARIFWith(ft, sarifSchema(t), docFile)
	if !ft.failed {
		t.Fatal("an invalid SARIF log passed validation")
	}
}

func TestExitStatusAndErrors(t *testing.T) {
	dir := fixtureTree(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // a part of the message
	}{
		{"no command", nil, 2, "usage:"},
		{"unknown command", []string{"scna"}, 2, `leakguard: unknown command "scna"`},
		{"unknown flag", []string{"scan", "--fromat", "json"}, 2, "flag provided but not defined: -fromat"},
		{"unknown format", []string{"scan", "--format", "xml"}, 2, `unknown format "xml"`},
		{"missing path", []string{"scan", "no/such/dir"}, 2, "cannot scan no/such/dir: stat no/such/dir: no such file or directory"},
		{"stdin twice", []string{"scan", "-", "src", "-"}, 2, "standard input (-) can be scanned once"},
		{"stdin and --git", []string{"scan", "--git", "-"}, 2, "--git cannot read a repository from standard input"},
		{"max-size over the engine's limit", []string{"scan", "--max-size", "10485761"}, 2, "--max-size must be between 1 and 10485760"},
		{"bad rule file", []string{"scan", "--config", ".gitignore"}, 2, "leakguard: load rules: "},
		{"missing rule file", []string{"scan", "--config", "nope.toml"}, 2, "nope.toml: no such file or directory"},
		{"missing baseline", []string{"scan", "--baseline", "nope.json"}, 2, "read the baseline: "},
		{"baseline not a report", []string{"scan", "--baseline", "README.md"}, 2, "is not a JSON report"},
		{"bad ignore file", []string{"scan", "--ignore-file", "README.md"}, 2, `README.md:3: "Nothing" is not a fingerprint`},
		{"redact takes no paths", []string{"redact", "x"}, 2, "takes no arguments"},
		{"help", []string{"help"}, 0, ""},
		{"clean", []string{"scan", "unicode", "README.md"}, 0, ""},
		{"findings", []string{"scan", ".env"}, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, dir, "", c.args...)
			if r.code != c.code {
				t.Errorf("exit status %d, want %d\nstderr: %s", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, c.stderr)
			}
		})
	}
}

func TestScanUnreadableFile(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("file permissions do not stop this user")
	}
	dir := fixtureTree(t)
	if err := os.Chmod(filepath.Join(dir, "README.md"), 0); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, dir, "", "scan", "--format", "json")
	if r.code != 2 || !strings.Contains(r.stderr, "cannot scan README.md") {
		t.Fatalf("status %d, stderr %q", r.code, r.stderr)
	}
	// The other files were still scanned and reported.
	if got, _ := parseReport(t, r.stdout); !reflect.DeepEqual(got, treeFindings) {
		t.Errorf("findings %+v", got)
	}
}

func TestBaselineAndIgnoreFile(t *testing.T) {
	dir := fixtureTree(t)
	first := runCLI(t, dir, "", "scan", "--format", "json")
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(baseline, []byte(first.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	_, rep := parseReport(t, first.stdout)

	// Everything is in the baseline: clean.
	if r := runCLI(t, dir, "", "scan", "--format", "json", "--baseline", baseline); r.code != 0 {
		t.Fatalf("with the baseline: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A new secret, and a known one in a new place, are reported.
	writeFiles(t, dir, map[string]string{"new.env": "NPM_TOKEN=" + fakeNPM + "\nGITHUB=" + fakeGitHub + "\n"})
	r := runCLI(t, dir, "", "scan", "--format", "json", "--baseline", baseline)
	got, _ := parseReport(t, r.stdout)
	want := []reported{
		{Rule: "npm-token", Path: "new.env", Line: 1, Column: 11, Secret: "npm_****"},
		{Rule: "github-pat-classic", Path: "new.env", Line: 2, Column: 8, Secret: "ghp_****"},
	}
	if r.code != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("status %d\n got %+v\nwant %+v", r.code, got, want)
	}

	// .leakguardignore in the root drops fingerprints wherever they are.
	ignore := "# known test fixtures\n\n" + rep.Findings[1].Fingerprint + "  # the GitHub token\n"
	writeFiles(t, dir, map[string]string{".leakguardignore": ignore})
	r = runCLI(t, dir, "", "scan", "--format", "json")
	got, _ = parseReport(t, r.stdout)
	want = []reported{treeFindings[0], {Rule: "npm-token", Path: "new.env", Line: 1, Column: 11, Secret: "npm_****"}, treeFindings[2]}
	if r.code != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("with .leakguardignore: status %d\n got %+v\nwant %+v", r.code, got, want)
	}

	// --ignore-file replaces the default one.
	other := filepath.Join(t.TempDir(), "ignore")
	if err := os.WriteFile(other, []byte(rep.Findings[0].Fingerprint+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, dir, "", "scan", "--format", "json", "--ignore-file", other, "--baseline", baseline)
	got, _ = parseReport(t, r.stdout)
	want = []reported{
		{Rule: "npm-token", Path: "new.env", Line: 1, Column: 11, Secret: "npm_****"},
		{Rule: "github-pat-classic", Path: "new.env", Line: 2, Column: 8, Secret: "ghp_****"},
	}
	if r.code != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("with --ignore-file: status %d\n got %+v\nwant %+v", r.code, got, want)
	}
}

func TestScanStdin(t *testing.T) {
	r := runCLI(t, t.TempDir(), "first line\nexport GITHUB_TOKEN="+fakeGitHub+"\n", "scan", "--format", "json", "-")
	got, _ := parseReport(t, r.stdout)
	want := []reported{{Rule: "github-pat-classic", Line: 2, Column: 21, Secret: "ghp_****"}}
	if r.code != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("status %d\n got %+v\nwant %+v\n%s", r.code, got, want, r.stderr)
	}
	// Standard input among paths keeps its place in the order.
	dir := fixtureTree(t)
	r = runCLI(t, dir, "k="+fakeNPM, "scan", "--format", "json", "-", ".env")
	got, _ = parseReport(t, r.stdout)
	want = []reported{
		{Rule: "npm-token", Line: 1, Column: 3, Secret: "npm_****"},
		{Rule: "stripe-live-secret-key", Path: ".env", Line: 1, Column: 12, Secret: "sk_l****"},
	}
	if r.code != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("stdin and a file: status %d\n got %+v\nwant %+v\n%s", r.code, got, want, r.stderr)
	}
	if r := runCLI(t, t.TempDir(), "nothing here\n", "scan", "-"); r.code != 0 {
		t.Fatalf("clean stdin: status %d: %s", r.code, r.stderr)
	}
	if r := runCLI(t, t.TempDir(), "0123456789abc", "scan", "--max-size", "10", "-"); r.code != 2 || !strings.Contains(r.stderr, "larger than the size limit") {
		t.Fatalf("oversized stdin: status %d: %s", r.code, r.stderr)
	}
}

func TestScanReveal(t *testing.T) {
	in := "export GITHUB_TOKEN=" + fakeGitHub + "\n"
	cases := []struct {
		args []string
		want string
	}{
		{nil, "ghp_****"},
		{[]string{"--reveal"}, fakeGitHub},
	}
	for _, c := range cases {
		args := append(append([]string{"scan", "--format", "json"}, c.args...), "-")
		r := runCLI(t, t.TempDir(), in, args...)
		got, _ := parseReport(t, r.stdout)
		if r.code != 1 || len(got) != 1 || got[0].Secret != c.want {
			t.Errorf("scan %v: status %d, findings %+v, want secret %q\n%s", c.args, r.code, got, c.want, r.stderr)
		}
	}
}

func TestRedactCommand(t *testing.T) {
	in := "starting\nGITHUB_TOKEN=" + fakeGitHub + "\nslack: " + fakeSlack + "\nno newline at the end"
	cases := []struct {
		args []string
		want string
	}{
		{nil, "starting\nGITHUB_TOKEN=[REDACTED:github-pat-classic]\nslack: [REDACTED:slack-bot-oauth-token]\nno newline at the end"},
		{[]string{"--style", "mask", "--keep", "2"}, "starting\nGITHUB_TOKEN=gh" + strings.Repeat("*", 38) + "\nslack: xo" + strings.Repeat("*", len(fakeSlack)-2) + "\nno newline at the end"},
	}
	for _, c := range cases {
		r := runCLI(t, t.TempDir(), in, append([]string{"redact"}, c.args...)...)
		if r.code != 0 || r.stdout != c.want {
			t.Errorf("redact %v: status %d, stderr %q\n got %q\nwant %q", c.args, r.code, r.stderr, r.stdout, c.want)
		}
	}
	// A long stream goes through in bounded memory and comes out whole.
	var b strings.Builder
	for i := range 20000 {
		b.WriteString("line ")
		b.WriteString(strings.Repeat("x", i%97))
		b.WriteString("\n")
	}
	if r := runCLI(t, t.TempDir(), b.String(), "redact"); r.code != 0 || r.stdout != b.String() {
		t.Errorf("a long clean stream changed: status %d, %d bytes in, %d out", r.code, b.Len(), len(r.stdout))
	}
}

func TestRulesAndVersion(t *testing.T) {
	r := runCLI(t, t.TempDir(), "", "rules")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "RULE") || !strings.Contains(r.stdout, "github-pat-classic") {
		t.Errorf("rules: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, t.TempDir(), "", "rules", "--format", "json")
	var rules struct {
		Rules []struct{ ID string }
		Count int
	}
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil || r.code != 0 || rules.Count != len(rules.Rules) || rules.Count < 50 {
		t.Errorf("rules --format json: status %d, %v, %d rules", r.code, err, rules.Count)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"rules.toml": "[[rules]]\nid = \"acme-key\"\ndescription = \"ACME key\"\nregex = '''acme_[a-z0-9]{32}'''\nkeywords = [\"acme_\"]\n"})
	r = runCLI(t, dir, "", "rules", "--config", "rules.toml", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil || rules.Count != 1 || rules.Rules[0].ID != "acme-key" {
		t.Errorf("rules --config: %v\n%s%s", err, r.stdout, r.stderr)
	}
	r = runCLI(t, t.TempDir(), "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "leakguard ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("version: status %d, %q", r.code, r.stdout)
	}
}

func TestScanWithConfig(t *testing.T) {
	dir := t.TempDir()
	key := "acme_" + "4f9c2b7e1d8a3f6c" + "0b5e9d2a7c4f1e8b"
	writeFiles(t, dir, map[string]string{
		"rules.toml": "[[rules]]\nid = \"acme-key\"\ndescription = \"ACME key\"\nregex = '''\\b(acme_[a-z0-9]{32})\\b'''\nkeywords = [\"acme_\"]\n",
		"app.cfg":    "acme = " + key + "\ngithub = " + fakeGitHub + "\n",
	})
	r := runCLI(t, dir, "", "scan", "--config", "rules.toml", "--format", "json", "app.cfg")
	got, _ := parseReport(t, r.stdout)
	if r.code != 1 || len(got) != 1 || got[0].Rule != "acme-key" || got[0].Path != "app.cfg" {
		t.Fatalf("status %d, %+v\n%s", r.code, got, r.stderr)
	}
}

// gitRepo builds a repository whose history adds a secret, removes it,
// and adds others, with fixed authors and dates so that it is the same on
// every run. It returns the directory and the commit hashes, oldest first.
func gitRepo(t *testing.T) (string, []string) {
	t.Helper()
	r := gittest.New(t)
	c1 := r.Commit("2024-01-01T10:00:00Z", "add config", map[string]string{
		"config.env": "APP=1\nGITHUB_TOKEN=" + fakeGitHub + "\nDEBUG=0\n",
	})
	c2 := r.Commit("2024-02-01T10:00:00Z", "remove the token", map[string]string{
		"config.env": "APP=1\nDEBUG=0\n",
		"README.md":  "# app\n",
	})
	c3 := r.Commit("2024-03-01T10:00:00Z", "add the chat client", map[string]string{
		"app/chat.go": "package app\n\nvar token = \"" + fakeSlack + "\"\n\nfunc Token() string { return token }\n",
	})
	c4 := r.Commit("2024-04-01T10:00:00Z", "add the npm token", map[string]string{
		"app/chat.go": "// Package app talks to chat.\npackage app\n\nvar token = \"" + fakeSlack + "\"\nvar npm = \"" + fakeNPM + "\"\n\nfunc Token() string { return token }\n",
	})
	dir := r.Dir
	return dir, []string{c1, c2, c3, c4}
}

func TestScanGit(t *testing.T) {
	repo, commits := gitRepo(t)
	author := func(r reported, commit int, date, message string) reported {
		r.Commit, r.Author, r.Email, r.Date, r.Message = commits[commit], gittest.AuthorName, gittest.AuthorEmail, date, message
		return r
	}
	// Newest commit first; lines are the file's, also across hunks.
	want := []reported{
		author(reported{Rule: "npm-token", Path: "app/chat.go", Line: 5, Column: 12, Secret: "npm_****"}, 3, "2024-04-01T10:00:00+00:00", "add the npm token"),
		author(reported{Rule: "slack-bot-oauth-token", Path: "app/chat.go", Line: 3, Column: 14, Secret: "xoxb****"}, 2, "2024-03-01T10:00:00+00:00", "add the chat client"),
		author(reported{Rule: "github-pat-classic", Path: "config.env", Line: 2, Column: 14, Secret: "ghp_****"}, 0, "2024-01-01T10:00:00+00:00", "add config"),
	}
	cases := []struct {
		name string
		cwd  string
		args []string
	}{
		{"the repository given", t.TempDir(), []string{repo}},
		{"the current directory", repo, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, c.cwd, "", append([]string{"scan", "--git", "--format", "json"}, c.args...)...)
			if r.code != 1 {
				t.Fatalf("exit status %d\n%s", r.code, r.stderr)
			}
			got, _ := parseReport(t, r.stdout)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("\n got %+v\nwant %+v", got, want)
			}
		})
	}

	// The working tree holds only what the history did not remove.
	r := runCLI(t, repo, "", "scan", "--format", "json")
	got, _ := parseReport(t, r.stdout)
	tree := []reported{
		{Rule: "slack-bot-oauth-token", Path: "app/chat.go", Line: 4, Column: 14, Secret: "xoxb****"},
		{Rule: "npm-token", Path: "app/chat.go", Line: 5, Column: 12, Secret: "npm_****"},
	}
	if r.code != 1 || !reflect.DeepEqual(got, tree) {
		t.Errorf("the working tree: status %d\n got %+v\nwant %+v", r.code, got, tree)
	}

	// Every format carries the commits; SARIF stays valid.
	sarif := runCLI(t, repo, "", "scan", "--git", "--format", "sarif")
	validateSARIF(t, sarif.stdout)
	text := runCLI(t, repo, "", "scan", "--git")
	for _, c := range []string{commits[0], commits[2], commits[3]} {
		if !strings.Contains(text.stdout, c[:7]) {
			t.Errorf("the text report lacks commit %s:\n%s", c, text.stdout)
		}
	}
	jsonl := runCLI(t, repo, "", "scan", "--git", "--format", "jsonl")
	if strings.Count(jsonl.stdout, "\n") != 3 || !strings.Contains(jsonl.stdout, `"commit":"`+commits[0]+`"`) {
		t.Errorf("jsonl:\n%s", jsonl.stdout)
	}

	// A baseline of the history silences it.
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	full := runCLI(t, repo, "", "scan", "--git", "--format", "json")
	if err := os.WriteFile(baseline, []byte(full.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, repo, "", "scan", "--git", "--baseline", baseline); r.code != 0 {
		t.Errorf("with the baseline: status %d\n%s", r.code, r.stdout)
	}

	// Not a repository: a runtime error.
	r = runCLI(t, t.TempDir(), "", "scan", "--git", ".")
	if r.code != 2 || !strings.Contains(r.stderr, "not a git repository") {
		t.Errorf("not a repository: status %d, %q", r.code, r.stderr)
	}
}

// TestJSONLInPieces checks that a report too big for one engine call in
// jsonl is made in pieces that join up exactly.
func TestJSONLInPieces(t *testing.T) {
	dir := t.TempDir()
	n := reportChunk*2 + 3
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "line %d token=%s\n", i, fakeGitHub)
	}
	writeFiles(t, dir, map[string]string{"many.txt": b.String()})
	jl := runCLI(t, dir, "", "scan", "--format", "jsonl")
	js := runCLI(t, dir, "", "scan", "--format", "json")
	if jl.code != 1 || js.code != 1 {
		t.Fatalf("status %d and %d: %s %s", jl.code, js.code, jl.stderr, js.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(jl.stdout, "\n"), "\n")
	var rep struct{ Findings []json.RawMessage }
	if err := json.Unmarshal([]byte(js.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(lines) != n || len(rep.Findings) != n {
		t.Fatalf("%d jsonl lines and %d json findings, want %d", len(lines), len(rep.Findings), n)
	}
	for i, l := range lines {
		var compact bytes.Buffer
		if err := json.Compact(&compact, rep.Findings[i]); err != nil {
			t.Fatal(err)
		}
		if l != compact.String() {
			t.Fatalf("line %d differs from the JSON report's finding:\n%s\n%s", i+1, l, compact.String())
		}
	}
}
