// Package conformance holds the tests that hold the providers to one contract. It has no
// API: its tests run every option and configuration field that personio and lattice both
// offer against both fakes, and check that each means the same in both (the same
// defaults, the same validation and its words, the same callback contract), and pin the
// exact text of the errors users meet most often (connection refused, wrong credentials,
// a permission missing, 429 after the retries, a cancelled context, a body cut short),
// for both providers.
package conformance
