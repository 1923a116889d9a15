// Package toyprovider has no API: its test builds a third provider, "toy", the way a new
// folder would (an in-memory HR API, a typed client, a catalog, a mapping preset, a
// mapping.Record and a unified.Directory), from packages mapping and unified alone, and
// runs the conformance suite of unified/directorytest against it. It proves that adding
// a provider needs no change to unified, mapping or the tools.
package toyprovider
