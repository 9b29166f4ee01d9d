package plugin

import (
	"strings"
	"testing"
)

func TestParseDescription(t *testing.T) {
	const action = `{"name":"ping","summary":"Pong.","input":{"type":"object"},"output":true}`
	cases := []struct {
		name, text string
		wantErr    string // "" for success
	}{
		{name: "minimal", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[]}`},
		{name: "full", text: `{"protocol":"1.7","plugin":{"name":"p","version":"1"},"limits":{"max":1},"actions":[` + action + `],"later":"ignored"}`},
		{name: "whitespace", text: " \n{\"protocol\":\"1.0\",\"plugin\":{\"name\":\"p\",\"version\":\"1\"},\"actions\":[]}\n"},
		{name: "not an object", text: `[]`, wantErr: "not return a JSON object"},
		{name: "empty", text: ``, wantErr: "not return a JSON object"},
		{name: "not JSON", text: `{"protocol":`, wantErr: "not return valid JSON"},
		{name: "no protocol", text: `{"plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "no `protocol`"},
		{name: "protocol not a string", text: `{"protocol":1,"plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "not return valid JSON"},
		{name: "major 2", text: `{"protocol":"2.0","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "speaks protocol 2.0; this host speaks 1.x"},
		{name: "major 0", text: `{"protocol":"0.9","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "speaks protocol 0.9"},
		{name: "major 10", text: `{"protocol":"10.0","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "speaks protocol 10.0"},
		{name: "no minor", text: `{"protocol":"1","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "not MAJOR.MINOR"},
		{name: "letters", text: `{"protocol":"1.x","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "not MAJOR.MINOR"},
		{name: "three parts", text: `{"protocol":"1.0.0","plugin":{"name":"p","version":"1"},"actions":[]}`, wantErr: "not MAJOR.MINOR"},
		{name: "no plugin", text: `{"protocol":"1.0","actions":[]}`, wantErr: "no `plugin`"},
		{name: "no name", text: `{"protocol":"1.0","plugin":{"version":"1"},"actions":[]}`, wantErr: "no `plugin.name`"},
		{name: "empty name", text: `{"protocol":"1.0","plugin":{"name":"","version":"1"},"actions":[]}`, wantErr: "no `plugin.name`"},
		{name: "no version", text: `{"protocol":"1.0","plugin":{"name":"p"},"actions":[]}`, wantErr: "no `plugin.version`"},
		{name: "limits not an object", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"limits":3,"actions":[]}`, wantErr: "`limits` is not an object"},
		{name: "no actions", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"}}`, wantErr: "no `actions`"},
		{name: "actions not a list", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":{}}`, wantErr: "not return valid JSON"},
		{name: "action without name", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[{"summary":"","input":{},"output":{}}]}`, wantErr: "action 0 has no `name`"},
		{name: "action without summary", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[{"name":"a","input":{},"output":{}}]}`, wantErr: "\"a\" has no `summary`"},
		{name: "action without input", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[{"name":"a","summary":"","output":{}}]}`, wantErr: "no `input` schema"},
		{name: "schema not a schema", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[{"name":"a","summary":"","input":{},"output":"x"}]}`, wantErr: "no `output` schema"},
		{name: "duplicate action", text: `{"protocol":"1.0","plugin":{"name":"p","version":"1"},"actions":[` + action + `,` + action + `]}`, wantErr: "\"ping\" is listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDescription([]byte(tc.text))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != "p" || d.Version != "1" || !strings.HasPrefix(d.Protocol, "1.") {
				t.Errorf("parsed %+v", d)
			}
		})
	}
}

func TestParseDescriptionKeepsEverything(t *testing.T) {
	d, err := parseDescription([]byte(`{"protocol":"1.2","plugin":{"name":"p","version":"3.4"},"limits":{"max":1},` +
		`"actions":[{"name":"b","summary":"B.","input":{"type":"object"},"output":false},{"name":"a","summary":"","input":true,"output":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Protocol != "1.2" || d.Version != "3.4" || string(d.Limits) != `{"max":1}` || len(d.Actions) != 2 {
		t.Fatalf("parsed %+v", d)
	}
	b, ok := d.Action("b")
	if !ok || b.Summary != "B." || string(b.Input) != `{"type":"object"}` || string(b.Output) != "false" {
		t.Errorf("b: %+v", b)
	}
	if d.Actions[0].Name != "b" {
		t.Error("the plugin's order was not kept")
	}
	if _, ok := d.Action("c"); ok {
		t.Error("found an action that is not there")
	}
}
