package report

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// jsonStream is an endless-looking xcheck JSON report made on the fly: a
// valid start, then the same finding over and over, size bytes in all
// (then io.EOF, the document still open). read counts the bytes handed
// out, so a test can tell how far the reader got without the test holding
// the input.
type jsonStream struct {
	size, read int64
}

var (
	streamHead = []byte(`{"version":2,"tool":{"name":"xcheck"},"targets":[],"findings":[`)
	streamItem = []byte(`{"rule":"XC2001","name":"type-error-on-target","severity":"error","targets":["linux/arm"],"file":"a.go","line":1,"message":"cannot use 1 << 32 as int value","why":[],"fix":"","suppressed":false},`)
)

func (s *jsonStream) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && s.read < s.size {
		var src []byte
		if s.read < int64(len(streamHead)) {
			src = streamHead[s.read:]
		} else {
			src = streamItem[(s.read-int64(len(streamHead)))%int64(len(streamItem)):]
		}
		src = src[:min(int64(len(src)), s.size-s.read)]
		c := copy(p[n:], src)
		n += c
		s.read += int64(c)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// TestDecodeJSONBounded feeds DecodeJSONLimit 4 GiB of a report with an
// 8 MiB limit: it stops reading at the limit, says so, and its memory
// stays under twice the limit (it holds what it read until then).
func TestDecodeJSONBounded(t *testing.T) {
	const limit = 8 << 20
	in := &jsonStream{size: memtest.GiB4}
	var err error
	u := memtest.Measure(func() { _, err = DecodeJSONLimit(in, nil, limit) })
	t.Logf("read %d bytes; peak heap %.1f MiB, allocated %.1f MiB, %s", in.read, float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
	var tl *TooLargeError
	require.True(t, errors.As(err, &tl), "got %v", err)
	assert.EqualError(t, err, "xcheck JSON report is larger than 8 MiB, the most xcheck reads")
	assert.LessOrEqual(t, in.read, int64(limit+1), "read past the limit")
	assert.Less(t, u.Peak, uint64(2*limit))
}

// TestDecodeJSONMaxSize is the same with DecodeJSON and its real limit,
// MaxJSONSize, on an input 1 MiB longer: refused once MaxJSONSize bytes
// are read, holding about MaxJSONSize bytes of memory. (Before the limit,
// it read the whole input, and an endless one until memory ran out.)
func TestDecodeJSONMaxSize(t *testing.T) {
	in := &jsonStream{size: MaxJSONSize + 1<<20}
	var err error
	u := memtest.Measure(func() { _, err = DecodeJSON(in, nil) })
	t.Logf("read %d bytes; peak heap %.1f MiB, allocated %.1f MiB, %s", in.read, float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
	assert.EqualError(t, err, "xcheck JSON report is larger than 256 MiB, the most xcheck reads")
	assert.LessOrEqual(t, in.read, int64(MaxJSONSize+1), "read past the limit")
	assert.Less(t, u.Peak, uint64(MaxJSONSize+MaxJSONSize/4))
}

// A document of exactly the limit is read; one byte more is refused.
func TestDecodeJSONLimitEdge(t *testing.T) {
	doc := `{"version":2,"targets":[],"findings":[],"summary":{"fail_on":"error"}}`
	_, err := DecodeJSONLimit(&jsonStreamOf{s: doc}, nil, int64(len(doc)))
	require.NoError(t, err)
	_, err = DecodeJSONLimit(&jsonStreamOf{s: doc}, nil, int64(len(doc)-1))
	assert.EqualError(t, err, "xcheck JSON report is larger than 69 bytes, the most xcheck reads")
	// The limit cannot be raised above MaxJSONSize.
	in := &jsonStream{size: MaxJSONSize + 1}
	_, err = DecodeJSONLimit(in, nil, 1<<40)
	assert.ErrorContains(t, err, "larger than 256 MiB")
}

// jsonStreamOf reads s one byte at a time.
type jsonStreamOf struct{ s string }

func (r *jsonStreamOf) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1536: "1536 bytes", 1 << 20: "1 MiB", 256 << 20: "256 MiB",
		1 << 30: "1 GiB", 5 << 30: "5 GiB", 1250 << 20: "1250 MiB", 1<<20 + 1<<19: "1.5 MiB",
	} {
		assert.Equal(t, want, FormatSize(n), n)
	}
}
