package counter

import "sync/atomic"

type Stats struct {
	ok    int32
	hits  int64  // offset 4 on 32-bit targets
	total uint64 // offset 12
}

type Aligned struct {
	hits  int64 // first: 64-bit aligned
	ok    int32
	_     int32
	total uint64 // offset 16
}

type Typed struct {
	ok   int32
	hits atomic.Int64 // always aligned
}

// Values of struct type, as atomicalign checks them.
func Values() {
	var s Stats
	atomic.AddInt64(&s.hits, 1) // want `atomic.AddInt64 on field "hits" of "Stats" at offset 4, which is not 64-bit aligned on 32-bit targets`
	atomic.LoadUint64(&s.total) // want `atomic.LoadUint64 on field "total" of "Stats" at offset 12`
	var a Aligned
	atomic.AddInt64(&a.hits, 1)
	atomic.AddUint64(&a.total, 1)
	var local struct {
		b byte
		n uint64
	}
	atomic.StoreUint64(&local.n, 1) // want `atomic.StoreUint64 on field "n" at offset 4,`
}

// Pointers, which atomicalign does not follow: what they point to is an
// allocation of its own.
func Pointers(s *Stats, a *Aligned, t *Typed) {
	atomic.AddInt64(&s.hits, 1) // want `atomic.AddInt64 on field "hits" of "Stats" at offset 4`
	atomic.AddInt64(&a.hits, 1)
	atomic.AddUint64(&a.total, 1)
	t.hits.Add(1)
}

type Outer struct {
	flag  bool
	inner Aligned // offset 4: its aligned fields are not
	pad   int32
	Stats // embedded at offset 32
	p     *Aligned
}

// Nested and embedded fields count from the start of the allocation.
func Nested(o *Outer) {
	atomic.AddInt64(&o.inner.hits, 1) // want `atomic.AddInt64 on field "hits" of "Aligned" at offset 4`
	atomic.AddInt64(&o.hits, 1)       // want `atomic.AddInt64 on field "hits" of "Stats" at offset 36`
	atomic.AddInt64(&o.p.hits, 1)     // another allocation
	atomic.SwapUint64(&o.total, 1)    // want `atomic.SwapUint64 on field "total" of "Stats" at offset 44`
}

// Array elements: known at a constant index, or when the element size is
// a multiple of 8.
func Arrays(xs *[4]Stats, as []Aligned) {
	atomic.AddInt64(&xs[1].hits, 1) // 20+4
	atomic.AddInt64(&xs[2].hits, 1) // want `on field "hits" of "Stats" at offset 44,`
	atomic.AddInt64(&as[3].hits, 1)
	i := 2
	atomic.AddInt64(&xs[i].hits, 1) // 20 bytes per element: unknown
}
