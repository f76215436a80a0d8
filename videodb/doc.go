// Package videodb is a Go client for the VideoDB API and the adapters that
// implement trace's interfaces on it: session.Indexer, render.Renderer,
// narrate.Writer and narrate.Voice. videodbtest is an in-process fake server.
package videodb
