// Package tenants measures how many tenant syncs one process runs at once. It has no API:
// BenchmarkTenants runs hundreds of Personio and Lattice directory syncs side by side,
// each with a client of its own, against answers replayed from memory, and reports the
// memory, goroutines and CPU time a sync costs and how far the whole run is from what
// the CPUs and the rate limits allow. docs/scaling.md at the root of the module gives the
// figures and the sizing rule drawn from them.
package tenants
