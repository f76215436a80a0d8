// Package capturetest holds a fake capture.Recorder and TestRecorder, the
// conformance suite every Recorder passes (the fake and the real ffmpeg
// recorders alike). Use the fake to test code that records, without ffmpeg.
package capturetest
