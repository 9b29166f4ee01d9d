package plugin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"slices"
	"strconv"
	"time"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// Load the embedded leakguard module and read its self-description.
func ExampleNew() {
	ctx := context.Background()
	cfg := plugin.NewConfig().
		WithPoolSize(2).
		WithTimeout(5 * time.Second).
		WithMemoryLimit(64 << 20)
	p, err := plugin.New(ctx, embed.Binary, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)

	d := p.Describe()
	fmt.Println(d.Name, "speaks protocol", d.Protocol)
	_, ok := d.Action("ping")
	fmt.Println("has ping:", ok)
	// Output:
	// leakguard speaks protocol 1.0
	// has ping: true
}

// Call an action; a failure is an *plugin.Error with a code.
func Example_call() {
	ctx := context.Background()
	p, err := plugin.New(ctx, embed.Binary, plugin.NewConfig())
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)

	reply, err := p.Call(ctx, "ping", []byte(`{"echo":"hello"}`))
	fmt.Println(string(reply), err)

	_, err = p.Call(ctx, "no-such-action", []byte(`{}`))
	fmt.Println(errors.Is(err, plugin.ErrUnknownAction))
	var perr *plugin.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Code, "|", perr.Message)
	}

	_, err = p.Call(ctx, "ping", []byte(`{"echo":`))
	fmt.Println(err)
	// Output:
	// {"pong":true,"echo":"hello"} <nil>
	// true
	// unknown-action | no action named `no-such-action`; `describe` lists them
	// ping: malformed: data is not valid JSON: EOF while parsing a value at line 1 column 8
}

// Serve a stream of events; replies come back in any order, matched by cid.
func ExamplePlugin_Serve() {
	ctx := context.Background()
	p, err := plugin.New(ctx, embed.Binary, plugin.NewConfig())
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)

	events := make(chan plugin.Event)
	replies := p.Serve(ctx, events)
	go func() {
		defer close(events)
		for i, name := range []string{"ping", "ping", "scan-everything"} {
			events <- plugin.Event{
				CID:  json.RawMessage(strconv.Itoa(i + 1)),
				Name: name,
				Data: json.RawMessage(fmt.Sprintf(`{"echo":%d}`, 10*(i+1))),
			}
		}
	}()

	var lines []string
	for r := range replies {
		var perr *plugin.Error
		if errors.As(r.Err, &perr) {
			lines = append(lines, fmt.Sprintf("cid %s: %s", r.CID, perr.Code))
			continue
		}
		lines = append(lines, fmt.Sprintf("cid %s: %s", r.CID, r.Data))
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// cid 1: {"pong":true,"echo":10}
	// cid 2: {"pong":true,"echo":20}
	// cid 3: unknown-action
}
