package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ProtocolMajor is the major version of the action protocol this host
// speaks. A plugin whose `describe` publishes another major version is
// refused at load time with ErrBadPlugin; any minor version is accepted,
// since minor versions only add.
const ProtocolMajor = 1

// Description is a plugin's self-description, as its `describe` export
// returned it when the plugin was loaded.
type Description struct {
	// Protocol is the protocol version, "MAJOR.MINOR" (e.g. "1.0").
	Protocol string
	// Name and Version identify the plugin.
	Name, Version string
	// Limits is the plugin's own limits object, verbatim, or nil if it
	// published none.
	Limits json.RawMessage
	// Actions lists every action the plugin answers, in its order.
	Actions []ActionInfo
}

// ActionInfo describes one action.
type ActionInfo struct {
	// Name is what Call takes.
	Name string
	// Summary is one line for people.
	Summary string
	// Input and Output are JSON Schemas of the request and reply documents,
	// verbatim.
	Input, Output json.RawMessage
}

// Action returns the action called name, if the plugin has one.
func (d Description) Action(name string) (ActionInfo, bool) {
	for _, a := range d.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return ActionInfo{}, false
}

// wireDescription is `describe`'s JSON. Pointers tell a missing field from
// an empty one; unknown fields are ignored, as later minor versions may add
// some.
type wireDescription struct {
	Protocol *string `json:"protocol"`
	Plugin   *struct {
		Name    *string `json:"name"`
		Version *string `json:"version"`
	} `json:"plugin"`
	Limits  json.RawMessage `json:"limits"`
	Actions *[]struct {
		Name    *string         `json:"name"`
		Summary *string         `json:"summary"`
		Input   json.RawMessage `json:"input"`
		Output  json.RawMessage `json:"output"`
	} `json:"actions"`
}

// parseDescription parses and checks the text `describe` returned. The error
// says what is wrong, for an ErrBadPlugin message.
func parseDescription(text []byte) (Description, error) {
	trimmed := bytes.TrimSpace(text)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Description{}, fmt.Errorf("describe did not return a JSON object")
	}
	var w wireDescription
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return Description{}, fmt.Errorf("describe did not return valid JSON: %w", err)
	}
	if w.Protocol == nil {
		return Description{}, fmt.Errorf("describe has no `protocol`")
	}
	if err := checkProtocol(*w.Protocol); err != nil {
		return Description{}, err
	}
	if w.Plugin == nil {
		return Description{}, fmt.Errorf("describe has no `plugin`")
	}
	if w.Plugin.Name == nil || *w.Plugin.Name == "" {
		return Description{}, fmt.Errorf("describe has no `plugin.name`")
	}
	if w.Plugin.Version == nil || *w.Plugin.Version == "" {
		return Description{}, fmt.Errorf("describe has no `plugin.version`")
	}
	if len(w.Limits) > 0 && (w.Limits[0] != '{') {
		return Description{}, fmt.Errorf("describe's `limits` is not an object")
	}
	if w.Actions == nil {
		return Description{}, fmt.Errorf("describe has no `actions`")
	}
	d := Description{
		Protocol: *w.Protocol,
		Name:     *w.Plugin.Name,
		Version:  *w.Plugin.Version,
		Limits:   w.Limits,
		Actions:  make([]ActionInfo, 0, len(*w.Actions)),
	}
	seen := make(map[string]bool, len(*w.Actions))
	for i, a := range *w.Actions {
		if a.Name == nil || *a.Name == "" {
			return Description{}, fmt.Errorf("describe: action %d has no `name`", i)
		}
		name := *a.Name
		if seen[name] {
			return Description{}, fmt.Errorf("describe: action %q is listed twice", name)
		}
		seen[name] = true
		if a.Summary == nil {
			return Description{}, fmt.Errorf("describe: action %q has no `summary`", name)
		}
		for _, s := range []struct {
			field  string
			schema json.RawMessage
		}{{"input", a.Input}, {"output", a.Output}} {
			if !isSchema(s.schema) {
				return Description{}, fmt.Errorf("describe: action %q has no `%s` schema (a JSON object or boolean)", name, s.field)
			}
		}
		d.Actions = append(d.Actions, ActionInfo{Name: name, Summary: *a.Summary, Input: a.Input, Output: a.Output})
	}
	return d, nil
}

// checkProtocol accepts "MAJOR.MINOR" with MAJOR == ProtocolMajor.
func checkProtocol(v string) error {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || !isDigits(major) || !isDigits(minor) {
		return fmt.Errorf("describe's `protocol` is %q, not MAJOR.MINOR", v)
	}
	if m, err := strconv.Atoi(major); err != nil || m != ProtocolMajor {
		return fmt.Errorf("the plugin speaks protocol %s; this host speaks %d.x", v, ProtocolMajor)
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSchema: a JSON Schema is an object or a boolean. The raw message has
// already been checked to be valid JSON by the decoder.
func isSchema(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '{' || bytes.Equal(raw, []byte("true")) || bytes.Equal(raw, []byte("false")))
}
