// Package cursor encodes and decodes the opaque page cursors that provider adapters hand
// out in unified.Page.NextCursor.
//
// A cursor is URL-safe base64 of: a version byte, the provider name, the fingerprint of the
// filter it was made for, the adapter's position (JSON), and a checksum over all of that.
// Decoding checks each part and fails with unified.ErrInvalidCursor when the cursor is
// malformed, edited, from another version, from another provider or for another filter, so
// a listing is never silently restarted or resumed under the wrong conditions.
//
// The checksum makes cursors tamper-evident, not unforgeable: a cursor only ever carries a
// position within data the credentials can read anyway.
package cursor

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/hrisconnect/hrisconnect/internal/textclip"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Version is the cursor format version written by Encode.
const Version byte = 1

// MaxLen is the longest cursor Decode accepts.
const MaxLen = 4096

const sumLen = 8

var domain = []byte("hrisconnect/cursor\x00")

// Encode returns the cursor for position pos (any JSON-encodable value) in a listing of
// provider under the filter with the given fingerprint.
func Encode(provider, fingerprint string, pos any) (string, error) {
	if len(provider) == 0 || len(provider) > 255 || len(fingerprint) > 255 {
		return "", fmt.Errorf("cursor: provider and fingerprint must be 1 to 255 bytes")
	}
	payload, err := json.Marshal(pos)
	if err != nil {
		return "", fmt.Errorf("cursor: encode position: %w", err)
	}
	b := make([]byte, 0, 3+len(provider)+len(fingerprint)+len(payload)+sumLen)
	b = append(b, Version, byte(len(provider)))
	b = append(b, provider...)
	b = append(b, byte(len(fingerprint)))
	b = append(b, fingerprint...)
	b = append(b, payload...)
	b = append(b, checksum(b)...)
	s := base64.RawURLEncoding.EncodeToString(b)
	if len(s) > MaxLen {
		return "", fmt.Errorf("cursor: position too large (%d bytes encoded, max %d)", len(s), MaxLen)
	}
	return s, nil
}

// Decode checks that s is a cursor made by Encode for the same provider and filter
// fingerprint, and decodes its position into pos (a pointer). Every failure wraps
// unified.ErrInvalidCursor and says what was wrong.
func Decode(s, provider, fingerprint string, pos any) error {
	if len(s) > MaxLen {
		return invalid("too long (%d bytes, max %d)", len(s), MaxLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return invalid("not a cursor of this library (bad encoding)")
	}
	if len(b) < 3+sumLen {
		return invalid("truncated")
	}
	body, sum := b[:len(b)-sumLen], b[len(b)-sumLen:]
	if !bytes.Equal(sum, checksum(body)) {
		return invalid("checksum mismatch: the cursor was changed or truncated")
	}
	if body[0] != Version {
		return invalid("format version %d is not supported (want %d)", body[0], Version)
	}
	rest := body[1:]
	gotProvider, rest, ok := field(rest)
	if !ok {
		return invalid("truncated")
	}
	if string(gotProvider) != provider {
		return invalid("made by provider %q, not %q", clip(gotProvider), provider)
	}
	gotFP, rest, ok := field(rest)
	if !ok {
		return invalid("truncated")
	}
	if string(gotFP) != fingerprint {
		return invalid("made for a different filter; start again with an empty cursor or use the original filter")
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(pos); err != nil {
		return invalid("bad position: %v", err)
	}
	if dec.More() {
		return invalid("trailing data after position")
	}
	return nil
}

func field(b []byte) (val, rest []byte, ok bool) {
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return nil, nil, false
	}
	n := int(b[0])
	return b[1 : 1+n], b[1+n:], true
}

func checksum(b []byte) []byte {
	h := sha256.New()
	h.Write(domain)
	h.Write(b)
	return h.Sum(nil)[:sumLen]
}

// clip shortens untrusted input quoted in an error message to 32 bytes, on a rune
// boundary.
func clip(b []byte) string { return textclip.Text(string(b), 32) }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", unified.ErrInvalidCursor, fmt.Sprintf(format, args...))
}
