package abi

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNotesABITag(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		data := append(note(bo, "GNU", 3, []byte{1, 2, 3, 4, 5}, 4), abiTagNote(bo, 4, 15, 0)...)
		notes, err := ParseNotes(data, bo, 4)
		require.NoError(t, err)
		require.Len(t, notes, 2)
		assert.Equal(t, "GNU", notes[0].Name)
		assert.Equal(t, uint32(3), notes[0].Type)
		assert.Equal(t, []byte{1, 2, 3, 4, 5}, notes[0].Desc)
		assert.Equal(t, 24, notes[1].Off)
		_, ok := ABITagFromNote(notes[0], bo)
		assert.False(t, ok)
		tag, ok := ABITagFromNote(notes[1], bo)
		require.True(t, ok)
		assert.Equal(t, ABITag{OS: ABITagLinux, Major: 4, Minor: 15}, tag)
	}
}

// TestParseNotesAlign8 checks the layout of 8-aligned notes such as
// .note.gnu.property: the descriptor starts at header+name rounded up to 8
// from the start of the note (16 for "GNU"), not at 12 + round8(namesz).
// Found on /bin/ls, whose .note.gnu.property the first version rejected.
func TestParseNotesAlign8(t *testing.T) {
	le := binary.LittleEndian
	prop := u32s(le, 0xc0000002, 4, 3, 0) // GNU_PROPERTY_X86_FEATURE_1_AND
	data := note(le, "GNU", 5, prop, 8)
	require.Len(t, data, 32)
	data = append(data, abiTagNote(le, 3, 2, 0)...)
	notes, err := ParseNotes(data, le, 8)
	require.NoError(t, err)
	require.Len(t, notes, 2)
	assert.Equal(t, prop, notes[0].Desc)
	assert.Equal(t, 32, notes[1].Off)
}

func TestParseNotesLastPaddingMissing(t *testing.T) {
	le := binary.LittleEndian
	data := note(le, "GNU", 9, []byte{1, 2, 3, 4, 5}, 4)
	data = data[:len(data)-3] // drop the descriptor's padding
	notes, err := ParseNotes(data, le, 4)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	assert.Equal(t, []byte{1, 2, 3, 4, 5}, notes[0].Desc)
}

func TestParseNotesTrailingZeros(t *testing.T) {
	le := binary.LittleEndian
	data := append(abiTagNote(le, 3, 2, 0), 0, 0, 0, 0)
	notes, err := ParseNotes(data, le, 4)
	require.NoError(t, err)
	assert.Len(t, notes, 1)
}

func TestParseNotesErrors(t *testing.T) {
	le := binary.LittleEndian
	good := abiTagNote(le, 3, 2, 0)
	patch := func(off int, v uint32) []byte {
		b := append([]byte{}, good...)
		le.PutUint32(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		data []byte
		msg  string
		off  int
	}{
		{"namesz huge", patch(0, 0xFFFFFFFF), "note name size 4294967295 exceeds the 20 bytes left", 0},
		{"namesz past end", patch(0, 21), "exceeds the 20 bytes left", 0},
		{"descsz huge", patch(4, 0xFFFFFFF0), "note descriptor size 4294967280 exceeds the 16 bytes left", 0},
		{"truncated header", append(append([]byte{}, good...), 1, 0, 0), "truncated note header: 3 bytes left", 32},
		{"second note bad", append(append([]byte{}, good...), patch(0, 100)...), "note name size 100", 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNotes(tt.data, le, 4)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.off, pe.Off)
		})
	}
}

func TestParseNotesBounded(t *testing.T) {
	// 20000 empty notes (12 bytes each): more than the cap.
	data := make([]byte, 12*20000)
	for i := 0; i < 20000; i++ {
		binary.LittleEndian.PutUint32(data[12*i+8:], 1)
	}
	_, err := ParseNotes(data, binary.LittleEndian, 4)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 16384 notes")
}

func TestABITagFromNoteRejects(t *testing.T) {
	le := binary.LittleEndian
	for _, n := range []Note{
		{Name: "GNU", Type: 1, Desc: make([]byte, 12)},     // short descriptor
		{Name: "GNU", Type: 3, Desc: make([]byte, 16)},     // build ID type
		{Name: "FreeBSD", Type: 1, Desc: make([]byte, 16)}, // other owner
	} {
		_, ok := ABITagFromNote(n, le)
		assert.False(t, ok, "%+v", n)
	}
}
