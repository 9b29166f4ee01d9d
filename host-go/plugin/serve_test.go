package plugin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakguard/leakguard/host-go/plugin"
)

// cidOf gives event i a cid: strings and numbers alternate.
func cidOf(i int) json.RawMessage {
	if i%2 == 0 {
		return json.RawMessage(strconv.Quote("e-" + strconv.Itoa(i)))
	}
	return json.RawMessage(strconv.Itoa(i))
}

func TestServeAnswersEveryEventOnce(t *testing.T) {
	const producers, perProducer = 10, 1000
	p := loadHostile(t, newConfig().WithPoolSize(4))
	events := make(chan plugin.Event)
	replies := p.Serve(context.Background(), events)

	var wg sync.WaitGroup
	for g := range producers {
		wg.Go(func() {
			for j := range perProducer {
				i := g*perProducer + j
				ev := plugin.Event{CID: cidOf(i), Name: "ping", Data: json.RawMessage(fmt.Sprintf(`{"echo":%d}`, i))}
				if i%10 == 3 {
					ev.Name = "no-such-action"
				}
				events <- ev
			}
		})
	}
	go func() {
		wg.Wait()
		close(events)
	}()

	seen := make(map[string]bool, producers*perProducer)
	for r := range replies {
		cid := string(r.CID)
		if seen[cid] {
			t.Fatalf("cid %s answered twice", cid)
		}
		seen[cid] = true
		var i int
		if err := json.Unmarshal(r.CID, &i); err != nil {
			var s string
			_ = json.Unmarshal(r.CID, &s)
			i, _ = strconv.Atoi(strings.TrimPrefix(s, "e-"))
		}
		if i%10 == 3 {
			if !errors.Is(r.Err, plugin.ErrUnknownAction) {
				t.Errorf("cid %s: %v, want unknown-action", cid, r.Err)
			}
			continue
		}
		if want := fmt.Sprintf(`{"pong":true,"echo":%d}`, i); r.Err != nil || string(r.Data) != want {
			t.Errorf("cid %s: %s, %v; want %s", cid, r.Data, r.Err, want)
		}
	}
	if len(seen) != producers*perProducer {
		t.Errorf("%d replies for %d events", len(seen), producers*perProducer)
	}
}

func TestServeCIDs(t *testing.T) {
	p := loadHostile(t, newConfig())
	events := make(chan plugin.Event, 8)
	events <- plugin.Event{Name: "ping"}                                      // no cid, no data
	events <- plugin.Event{Name: "ping", Data: json.RawMessage(`{"echo":1}`)} // no cid
	events <- plugin.Event{CID: json.RawMessage(`{"a":1}`), Name: "ping"}     // not a string or number
	events <- plugin.Event{CID: json.RawMessage(`"unterminated`), Name: "ping"}
	events <- plugin.Event{CID: json.RawMessage(`-7.5e3`), Name: "ping"}
	close(events)
	got := map[string]plugin.Reply{}
	for r := range p.Serve(context.Background(), events) {
		got[string(r.CID)] = r
	}
	cases := []struct {
		cid, data string
		err       *plugin.Error
	}{
		{`"auto-1"`, `{"pong":true}`, nil},
		{`"auto-2"`, `{"pong":true,"echo":1}`, nil},
		{`{"a":1}`, "", plugin.ErrBadRequest},
		{`"unterminated`, "", plugin.ErrBadRequest},
		{`-7.5e3`, `{"pong":true}`, nil},
	}
	if len(got) != len(cases) {
		t.Errorf("%d replies, want %d", len(got), len(cases))
	}
	for _, tc := range cases {
		r, ok := got[tc.cid]
		switch {
		case !ok:
			t.Errorf("no reply for cid %s", tc.cid)
		case tc.err != nil:
			wantCode(t, r.Err, tc.err)
		case r.Err != nil || string(r.Data) != tc.data:
			t.Errorf("cid %s: %s, %v; want %s", tc.cid, r.Data, r.Err, tc.data)
		}
	}
}

// TestServeCancelled: cancelling mid-stream stops the calls in progress
// and answers every event, those sent afterwards included.
func TestServeCancelled(t *testing.T) {
	const total = 2000
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			p := loadHostile(t, m.with(newConfig().WithPoolSize(2)))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			events := make(chan plugin.Event)
			replies := p.Serve(ctx, events)
			go func() {
				defer close(events)
				for i := range total {
					ev := plugin.Event{CID: cidOf(i), Name: "ping", Data: json.RawMessage(`{}`)}
					if i%500 == 7 {
						// Loops forever unless cancelled.
						ev.Name = "test-loop"
					}
					events <- ev
				}
			}()
			seen := map[string]bool{}
			var ok, cancelled int
			for r := range replies {
				if seen[string(r.CID)] {
					t.Fatalf("cid %s answered twice", r.CID)
				}
				seen[string(r.CID)] = true
				switch {
				case r.Err == nil:
					ok++
				case errors.Is(r.Err, plugin.ErrCancelled):
					if !errors.Is(r.Err, context.Canceled) {
						t.Errorf("cid %s: %v does not wrap context.Canceled", r.CID, r.Err)
					}
					cancelled++
				default:
					t.Errorf("cid %s: %v", r.CID, r.Err)
				}
				if len(seen) == 100 {
					// Both instances are soon stuck in test-loop; only
					// the cancellation can free them.
					time.AfterFunc(20*time.Millisecond, cancel)
				}
			}
			if len(seen) != total {
				t.Errorf("%d replies for %d events", len(seen), total)
			}
			if cancelled == 0 || ok == 0 {
				t.Errorf("%d answered, %d cancelled", ok, cancelled)
			}
			t.Logf("%d answered, %d cancelled", ok, cancelled)
		})
	}
}
