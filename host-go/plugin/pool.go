package plugin

import (
	"context"
	"sync"
)

// pool holds up to size instances. An instance is either idle (in idle) or
// owned by exactly one call. A slot is a permission to hold one instance:
// a new instance takes a slot, a discarded one gives it back, so there are
// never more than size instances and a discarded instance is replaced by the
// next call that needs one.
type pool struct {
	idle  chan *instance
	slots chan struct{}

	// newInst creates an instance; called without locks held.
	newInst func(ctx context.Context) (*instance, error)
	// done is closed when the plugin closes; waiters give up then.
	done <-chan struct{}

	mu   sync.Mutex
	live map[*instance]struct{} // every instance not yet discarded
}

func newPool(size int, done <-chan struct{}, newInst func(context.Context) (*instance, error)) *pool {
	p := &pool{
		idle:    make(chan *instance, size),
		slots:   make(chan struct{}, size),
		newInst: newInst,
		done:    done,
		live:    make(map[*instance]struct{}, size),
	}
	for range size {
		p.slots <- struct{}{}
	}
	return p
}

// poolWait says why get returned no instance.
type poolWait uint8

const (
	waitOK poolWait = iota
	waitCtx
	waitClosed
	waitNew // newInst failed
)

// get returns an idle instance, or creates one if a slot is free, or waits
// for either until ctx is done or the plugin closes.
func (p *pool) get(ctx context.Context) (*instance, poolWait, error) {
	// The common case, an idle instance, takes one non-blocking receive.
	select {
	case inst := <-p.idle:
		return inst, waitOK, nil
	default:
	}
	select {
	case inst := <-p.idle:
		return inst, waitOK, nil
	case <-p.slots:
		select {
		case <-p.done:
			// The select above picks at random among ready cases; do not
			// build an instance for a plugin that is closing.
			p.slots <- struct{}{}
			return nil, waitClosed, nil
		default:
		}
		inst, err := p.newInst(ctx)
		if err != nil {
			p.slots <- struct{}{}
			return nil, waitNew, err
		}
		p.mu.Lock()
		p.live[inst] = struct{}{}
		p.mu.Unlock()
		// Close interrupts the live instances after closing done: either
		// it saw this one in live, or this sees done closed.
		select {
		case <-p.done:
			p.discard(context.Background(), inst)
			return nil, waitClosed, nil
		default:
		}
		return inst, waitOK, nil
	case <-ctx.Done():
		return nil, waitCtx, nil
	case <-p.done:
		return nil, waitClosed, nil
	}
}

// put returns a healthy instance for reuse. It never blocks: there are at
// most size instances, and idle holds size.
func (p *pool) put(inst *instance) {
	p.idle <- inst
}

// discard closes an instance that must not run again and frees its slot.
func (p *pool) discard(ctx context.Context, inst *instance) {
	p.mu.Lock()
	_, ok := p.live[inst]
	delete(p.live, inst)
	p.mu.Unlock()
	inst.close(ctx)
	if ok {
		p.slots <- struct{}{}
	}
}

// closeIdle discards every idle instance.
func (p *pool) closeIdle(ctx context.Context) {
	for {
		select {
		case inst := <-p.idle:
			p.discard(ctx, inst)
		default:
			return
		}
	}
}

// interruptAll interrupts every live instance, idle or in use: a running
// call stops promptly and its owner discards the instance.
func (p *pool) interruptAll(reason uint32) {
	p.mu.Lock()
	busy := make([]*instance, 0, len(p.live))
	for inst := range p.live {
		busy = append(busy, inst)
	}
	p.mu.Unlock()
	for _, inst := range busy {
		inst.interrupt(reason)
	}
}
