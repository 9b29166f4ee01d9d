package plugin

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
)

// Event is one action travelling in a stream, with a correlation id.
type Event struct {
	// CID is echoed in the reply, byte for byte: a JSON string or number.
	// If it is empty, Serve makes one ("auto-N", N counting events from 1).
	CID json.RawMessage
	// Name is the action.
	Name string
	// Data is the action's JSON document; empty means {}.
	Data json.RawMessage
}

// Reply answers one Event.
type Reply struct {
	// CID is the event's CID (or the one Serve made for it).
	CID json.RawMessage
	// Data is the reply document when Err is nil.
	Data json.RawMessage
	// Err is the failure, an *Error, or nil.
	Err error
}

// Serve answers events from the channel concurrently, as many at once as
// the pool has instances, and delivers exactly one Reply per Event, in the
// order the calls finish (match them by CID). The returned channel is closed
// once events is closed and every event has been answered.
//
// When ctx is done, calls in progress are stopped (ErrTimeout or
// ErrCancelled), and every event not yet started, including those that
// arrive later, is answered with ErrCancelled without running: none is
// dropped. Serve keeps reading events until the channel is closed, so the
// sender must still close it.
//
// # Notes
//
//   - An event whose CID is neither a JSON string nor a JSON number is
//     answered with ErrBadRequest (its CID echoed as given).
//   - The reply channel has room for one reply per instance; a reader that
//     stops reading stops Serve.
func (p *Plugin) Serve(ctx context.Context, events <-chan Event) <-chan Reply {
	replies := make(chan Reply, p.cfg.poolSize)
	go func() {
		defer close(replies)
		var wg sync.WaitGroup
		defer wg.Wait()
		running := make(chan struct{}, p.cfg.poolSize)
		var n uint64
		for ev := range events {
			n++
			cid := ev.CID
			if len(cid) == 0 {
				cid = json.RawMessage(`"auto-` + strconv.FormatUint(n, 10) + `"`)
			} else if !isCID(cid) {
				replies <- Reply{CID: cid, Err: newError(CodeBadRequest, ev.Name, "`cid` must be a JSON string or number", nil)}
				continue
			}
			data := []byte(ev.Data)
			if len(data) == 0 {
				data = []byte("{}")
			}
			if ctx.Err() != nil {
				replies <- Reply{CID: cid, Err: serveCancelled(ctx, ev.Name)}
				continue
			}
			select {
			case running <- struct{}{}:
			case <-ctx.Done():
				replies <- Reply{CID: cid, Err: serveCancelled(ctx, ev.Name)}
				continue
			}
			wg.Add(1)
			go func(name string) {
				defer wg.Done()
				out, err := p.Call(ctx, name, data)
				<-running
				replies <- Reply{CID: cid, Data: out, Err: err}
			}(ev.Name)
		}
	}()
	return replies
}

// serveCancelled answers an event that never ran because Serve's ctx ended.
func serveCancelled(ctx context.Context, action string) *Error {
	return newError(CodeCancelled, action, "the event was not run: the stream was cancelled", context.Cause(ctx))
}

// isCID: a cid is a JSON string or number, echoed verbatim, so it must be
// one complete valid JSON value of that kind.
func isCID(raw json.RawMessage) bool {
	switch raw[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return json.Valid(raw)
	}
	return false
}
