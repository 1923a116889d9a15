// Package faulttest holds the module's reliability and security suites. It has no API:
// its tests run full directory syncs of both providers (Personio v1 and v2, Lattice)
// against the in-process fakes while those misbehave, and check that every sync either
// returns exactly the people of the seeded company (nothing lost, nothing repeated) or
// fails with an error that matches the right sentinel of package unified, promptly and
// without leaking goroutines or secrets.
//
// The matrix of faults, the outcome each row asserts and the guarantees they back are
// described in docs/reliability.md at the root of the module.
package faulttest
