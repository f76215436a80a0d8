// Package rendertest has a fake render.Renderer that records the plans it
// gets and returns deterministic media, and TestRenderer, the conformance
// suite every Renderer (the fake, ffmpeg in local, the VideoDB editor) passes.
package rendertest
