package latticetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// derivedUUID returns a UUID in the version 4 layout derived from parts by SHA-256, so that
// the same parts always give the same id.
func derivedUUID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	raw := h.Sum(sum[:0])[:16]
	raw[6] = raw[6]&0x0f | 0x40 // version 4
	raw[8] = raw[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], raw[10:16])
	return string(out[:])
}

// valueID is the id of a person's value of a custom attribute.
func valueID(userID, attrID string) string { return derivedUUID("value", userID, attrID) }

// newKey returns a random API key.
func newKey(prefix string) string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}

// mix64 is the SplitMix64 finaliser, a bijective hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// createdInLatticePer50 is how many people in 50 were created directly in Lattice.
const createdInLatticePer50 = 1

// CreatedInLattice reports whether the server renders p as a user created directly in
// Lattice (an admin added them by hand before the HR integration was connected): such
// users have a null externalUserId, so a sync must match them by email. About one person
// in fifty is; which ones is a fixed function of the person's ID, independent of the
// company's seed. [WithAllExternalIDs] turns this off.
func CreatedInLattice(p *Person) bool {
	return mix64(uint64(p.ID)^0x6c6174746963656d)%50 < createdInLatticePer50
}

// personIDString is the externalUserId of p: the Personio employee id in decimal.
func personIDString(p *Person) string { return strconv.Itoa(p.ID) }
