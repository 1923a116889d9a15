package lattice

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"slices"
)

// position is where a Directory listing stands, carried inside the opaque cursor
// (internal/cursor, provider "lattice", bound to the filter's fingerprint).
type position struct {
	// After is the Lattice cursor of the next page (its startingAfter).
	After string `json:"a"`
	// Prev holds hashes of the user IDs of the previous page, so that a user repeated at
	// the top of the next page is dropped (at most MaxPageSize).
	Prev hashList `json:"p,omitempty"`
	// Seen holds hashes of the Lattice cursors followed before After (the last
	// maxCursorHistory), so that a cursor loop A→B→A is caught across ListUsers calls.
	Seen hashList `json:"s,omitempty"`
	// IDCursors records that the API's cursors are the ID of the page's last user, as
	// observed on the first page. From then on, a page whose cursor names another user
	// (pointing back, or skipping ahead) fails the listing instead of repeating or
	// losing users.
	IDCursors bool `json:"k,omitempty"`
}

// maxCursorHistory is how many earlier cursors a position remembers.
const maxCursorHistory = 64

// hashID is the stable 64-bit FNV-1a hash of an ID or cursor. Cursors are stored and
// resumed later, so it must not change between processes (unlike hash/maphash).
func hashID(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// hashList is a list of hashes, encoded in JSON as base64 of their big-endian bytes (a
// page of 100 IDs takes about 1 KB).
type hashList []uint64

func (l hashList) contains(h uint64) bool { return slices.Contains(l, h) }

// appendBounded returns l with h appended, keeping the last n entries.
func (l hashList) appendBounded(h uint64, n int) hashList {
	out := make(hashList, 0, min(len(l)+1, n))
	if drop := len(l) + 1 - n; drop > 0 {
		l = l[drop:]
	}
	out = append(out, l...)
	return append(out, h)
}

func (l hashList) MarshalJSON() ([]byte, error) {
	b := make([]byte, 8*len(l))
	for i, h := range l {
		binary.BigEndian.PutUint64(b[8*i:], h)
	}
	return json.Marshal(base64.RawURLEncoding.EncodeToString(b))
}

func (l *hashList) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return errors.New("bad hash list encoding")
	}
	if len(b)%8 != 0 {
		return errors.New("bad hash list length")
	}
	out := make(hashList, len(b)/8)
	for i := range out {
		out[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	*l = out
	return nil
}
