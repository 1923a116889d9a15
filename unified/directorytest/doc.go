// Package directorytest helps test implementations and consumers of [unified.Directory].
//
// [Run] is a conformance suite in the mould of testing/fstest.TestFS: a provider adapter
// runs it against itself (backed by its fake server) and gets paging, cursor, filter,
// not-found and cancellation checks for free. [Memory] is an in-memory reference Directory
// for tests of code that consumes a Directory.
package directorytest
