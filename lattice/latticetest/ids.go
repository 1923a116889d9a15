package latticetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/hrisconnect/hrisconnect/internal/fakeid"
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
	return fakeid.UUID([16]byte(h.Sum(sum[:0])))
}

// valueID is the id of a person's value of a custom attribute.
func valueID(userID, attrID string) string { return derivedUUID("value", userID, attrID) }

// newKey returns a random API key.
func newKey(prefix string) string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}

// createdInLatticePer50 is how many people in 50 were created directly in Lattice.
const createdInLatticePer50 = 1

// CreatedInLattice reports whether the server renders p as a user created directly in
// Lattice (an admin added them by hand before the HR integration was connected): such
// users have a null externalUserId, so a sync must match them by email. About one person
// in fifty is; which ones is a fixed function of the person's ID, independent of the
// company's seed. [WithAllExternalIDs] turns this off.
func CreatedInLattice(p *Person) bool {
	return fakeid.Mix64(uint64(p.ID)^0x6c6174746963656d)%50 < createdInLatticePer50
}

// personIDString is the externalUserId of p: the Personio employee id in decimal.
func personIDString(p *Person) string { return strconv.Itoa(p.ID) }
