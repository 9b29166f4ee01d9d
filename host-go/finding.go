package leakguard

import "encoding/json"

// Finding is one detected secret, as the core's `scan` action reports it
// (docs/ACTIONS.md). Its JSON form is that of the contract, so findings
// round-trip through reports and baselines unchanged.
type Finding struct {
	// Rule is the id of the rule that found the secret.
	Rule string `json:"rule"`
	// Description is the rule's description.
	Description string `json:"description"`
	// Severity is the rule's severity: critical, high, medium, low or info.
	Severity string `json:"severity"`
	// Tags are the rule's tags.
	Tags []string `json:"tags"`
	// Document is the [Document.ID] the secret was found in, for batch
	// input that gave one.
	Document string `json:"document,omitempty"`
	// Path is the document's path, when one was given.
	Path string `json:"path,omitempty"`
	// Line and Column (1-based; columns count characters) locate the
	// secret's first character; EndLine and EndColumn its last.
	Line      int `json:"line"`
	Column    int `json:"column"`
	EndLine   int `json:"end_line"`
	EndColumn int `json:"end_column"`
	// Start and End are UTF-8 byte offsets delimiting the secret in the
	// text as scanned (End exclusive).
	Start int `json:"start"`
	End   int `json:"end"`
	// Secret is the secret, masked: its first few characters, then ****.
	Secret string `json:"secret"`
	// Entropy is the secret's Shannon entropy in bits per character.
	Entropy float64 `json:"entropy"`
	// Fingerprint identifies the secret stably across files and history:
	// 32 hex digits of SHA-256 over the rule id, a NUL byte and the secret.
	Fingerprint string `json:"fingerprint"`

	// Commit, Author, Email, Date (ISO 8601) and Message describe the
	// commit that added the secret, for findings from a repository's
	// history.
	Commit  string `json:"commit,omitempty"`
	Author  string `json:"author,omitempty"`
	Email   string `json:"email,omitempty"`
	Date    string `json:"date,omitempty"`
	Message string `json:"message,omitempty"`
}

// MarshalJSON encodes f as the contract's Finding. Nil Tags encode as an
// empty list, not null: the contract's tags are always a list.
func (f Finding) MarshalJSON() ([]byte, error) {
	type plain Finding // without the method, to avoid recursion
	if f.Tags == nil {
		f.Tags = []string{}
	}
	return json.Marshal(plain(f))
}

// Document is one text of a batch given to [Scanner.ScanDocuments].
type Document struct {
	// ID names the document in its findings ([Finding.Document]).
	ID string `json:"id,omitempty"`
	// Path is the document's path: path-specific rules and path
	// allowlists use it, and findings carry it.
	Path string `json:"path,omitempty"`
	// Text is the content. Bytes that are not valid UTF-8 are each
	// scanned as U+FFFD, and offsets count in that text.
	Text string `json:"text"`
}

// Rule describes one rule of the active rule set.
type Rule struct {
	// ID names the rule in findings.
	ID string `json:"id"`
	// Description says what the rule finds.
	Description string `json:"description"`
	// Severity is critical, high, medium, low or info.
	Severity string `json:"severity"`
	// Tags group rules (provider, kind).
	Tags []string `json:"tags"`
	// Keywords are the strings (any case) one of which must occur at a
	// match for the rule to report it; none means the rule always runs.
	Keywords []string `json:"keywords"`
	// Entropy is the rule's minimum entropy; 0 when it sets none.
	Entropy float64 `json:"entropy,omitempty"`
	// Path is the rule's path regex, when it has one.
	Path string `json:"path,omitempty"`
}

// Warning is a rule-file problem that did not stop scanning, such as a
// regex the engine cannot compile (that rule is skipped, the others run).
type Warning struct {
	// Rule is the rule's id; empty for a problem of the file as a whole.
	Rule string `json:"rule"`
	// Message says what is wrong.
	Message string `json:"message"`
}
