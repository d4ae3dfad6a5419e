// Package memtest measures the memory and time a piece of code takes, for
// the resource-bound tests of the readers of untrusted files (abi,
// inspect, cgoneeds), and writes the sparse files those tests feed them.
// Only tests import it.
package memtest

import (
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// Usage is what one call of Measure saw.
type Usage struct {
	// Peak is the highest heap in use (live and not yet collected
	// objects, runtime/metrics /memory/classes/heap/objects:bytes)
	// sampled every millisecond while fn ran, above what was in use
	// before; 0 if it never rose.
	Peak uint64
	// Total is the bytes allocated while fn ran (TotalAlloc),
	// collected or not: an upper bound of Peak.
	Total   uint64
	Elapsed time.Duration
}

// MiB is a mebibyte, for limits and messages.
const MiB = 1 << 20

const heapObjects = "/memory/classes/heap/objects:bytes"

func heapInUse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Measure runs fn and reports the memory it used and the time it took.
// Peak is sampled from another goroutine without stopping the world, so
// a short spike between two samples can be missed; Total cannot miss
// anything. Tests that measure must not run in parallel with others.
func Measure(fn func()) Usage {
	runtime.GC()
	sample := []metrics.Sample{{Name: heapObjects}}
	base := heapInUse(sample)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: heapObjects}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := heapInUse(s); v > peak {
				peak = v
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	fn()
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if v := heapInUse(sample); v > peak {
		peak = v
	}
	runtime.ReadMemStats(&after)
	u := Usage{Total: after.TotalAlloc - before.TotalAlloc, Elapsed: elapsed}
	if peak > base {
		u.Peak = peak - base
	}
	return u
}

// Chunk is data written at an offset of a sparse file.
type Chunk struct {
	Off  int64
	Data []byte
}

// SparseFile creates the file path of the given size holding the chunks
// and zeros elsewhere, without writing the zeros: a 4 GiB file takes a few
// kilobytes of disk on file systems with holes (ext4, xfs, btrfs, tmpfs).
func SparseFile(t testing.TB, path string, size int64, chunks ...Chunk) string {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range chunks {
		if _, err := f.WriteAt(c.Data, c.Off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// GiB4 is the size of the sparse files of the tests: 4 GiB, more than
// any size field of a 32-bit format can reach.
const GiB4 = 4 << 30
