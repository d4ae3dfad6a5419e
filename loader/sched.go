package loader

import (
	"container/heap"
	"context"
	"sync"
)

// cpuSem bounds the packages type-checked at once across all targets
// (GOMAXPROCS), and hands a freed place to the waiting package of the
// target that started checking first: the oldest target finishes first
// and frees its graph, while the others fill the CPUs its import graph
// leaves idle (its critical path: runtime, then reflect, then net/http
// ...). Without it, four targets checked at once all grow their graphs
// together, and the peak memory is four graphs.
type cpuSem struct {
	mu    sync.Mutex
	free  int
	queue waiters
	seq   uint64
}

type waiter struct {
	prio  int    // lower first: the target's order of starting to check
	seq   uint64 // then first come, first served
	ready chan struct{}
	index int
}

type waiters []*waiter

func (w waiters) Len() int { return len(w) }
func (w waiters) Less(i, j int) bool {
	if w[i].prio != w[j].prio {
		return w[i].prio < w[j].prio
	}
	return w[i].seq < w[j].seq
}
func (w waiters) Swap(i, j int) {
	w[i], w[j] = w[j], w[i]
	w[i].index, w[j].index = i, j
}
func (w *waiters) Push(x any) {
	e := x.(*waiter)
	e.index = len(*w)
	*w = append(*w, e)
}
func (w *waiters) Pop() any {
	old := *w
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*w = old[:len(old)-1]
	e.index = -1
	return e
}

func newCPUSem(n int) *cpuSem { return &cpuSem{free: max(1, n)} }

// acquire waits for a place, or for ctx to be done.
func (s *cpuSem) acquire(ctx context.Context, prio int) error {
	s.mu.Lock()
	if s.free > 0 && len(s.queue) == 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	s.seq++
	w := &waiter{prio: prio, seq: s.seq, ready: make(chan struct{})}
	heap.Push(&s.queue, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		if w.index < 0 {
			// Handed a place just now: pass it on.
			s.releaseLocked()
		} else {
			heap.Remove(&s.queue, w.index)
		}
		return ctx.Err()
	}
}

// release gives a place back, to the first waiter if any.
func (s *cpuSem) release() {
	s.mu.Lock()
	s.releaseLocked()
	s.mu.Unlock()
}

func (s *cpuSem) releaseLocked() {
	if len(s.queue) > 0 {
		w := heap.Pop(&s.queue).(*waiter)
		close(w.ready)
		return
	}
	s.free++
}
