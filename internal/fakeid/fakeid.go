// Package fakeid makes the deterministic identifiers of the fake company and the fake
// servers: a 64-bit mixing function to derive pseudo-random numbers from a seed and a
// number, and the textual form of a UUID made from 16 such bytes. The same inputs give
// the same ids on every machine and Go release, so generated companies and rendered
// documents are reproducible.
package fakeid

import "encoding/hex"

// Mix64 is the SplitMix64 finaliser: a bijective, well-mixing hash of x. Neighbouring
// inputs give unrelated outputs, and different inputs never give the same output.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// UUID returns raw as a UUID in the version 4 layout: it sets the version (4) and
// variant (RFC 4122) bits and writes the 8-4-4-4-12 lower-case hex form. The other 122
// bits are raw's, so raw should be pseudo-random (see [Mix64] and [UUID64]).
func UUID(raw [16]byte) string {
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

// UUID64 is [UUID] of the 16 bytes of hi and lo, most significant first.
func UUID64(hi, lo uint64) string {
	var raw [16]byte
	for i := range 8 {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(lo >> (56 - 8*i))
	}
	return UUID(raw)
}
