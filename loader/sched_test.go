package loader

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCPUSemPriority checks that a freed place goes to the waiter of the
// lowest priority number, then to the first come, and that a canceled
// waiter neither gets nor loses a place.
func TestCPUSemPriority(t *testing.T) {
	s := newCPUSem(1)
	ctx := context.Background()
	require.NoError(t, s.acquire(ctx, 0))

	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	start := func(prio, id int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, s.acquire(ctx, prio))
			mu.Lock()
			order = append(order, id)
			mu.Unlock()
			s.release()
		}()
		// Wait until it is queued, so that arrival order is known.
		require.Eventually(t, func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.queue) == id
		}, 10*time.Second, time.Millisecond)
	}
	start(3, 1)
	start(1, 2)
	start(2, 3)
	start(1, 4)

	// A canceled waiter leaves the queue.
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- s.acquire(cctx, 0) }()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.queue) == 5
	}, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)

	s.release()
	wg.Wait()
	require.Equal(t, []int{2, 4, 3, 1}, order)
	require.Equal(t, 1, s.free, "the place is back")
	require.NoError(t, s.acquire(ctx, 9))
}

// TestCPUSemCancelRace hands places to waiters as their contexts are
// canceled: no place may be lost or made up.
func TestCPUSemCancelRace(t *testing.T) {
	const places = 2
	s := newCPUSem(places)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%7)*time.Microsecond)
			defer cancel()
			if s.acquire(ctx, i%3) == nil {
				s.release()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, places, s.free)
	require.Empty(t, s.queue)
}
