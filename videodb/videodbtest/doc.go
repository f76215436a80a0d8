// Package videodbtest is an in-process fake of the VideoDB API for tests:
// a stateful httptest server on 127.0.0.1 with uploads, async jobs, search,
// streams, generation and the editor, plus fault knobs and a request log.
package videodbtest
