// Package sessiontest holds an in-memory session.Indexer for tests and the
// conformance suite every Indexer (videodb, local, the fake) must pass.
// It sits beside session the way testing/fstest sits beside io/fs.
package sessiontest
