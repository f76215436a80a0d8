// Package local is trace's embedded offline backend: indexing with ffmpeg,
// pocketsphinx and tesseract, a full-text index, ffmpeg rendering, flite or
// espeak-ng voice, and a folder PRSink with a report page. Nothing leaves the
// machine.
package local
