// Package local is trace's embedded offline backend: it indexes a session with
// ffmpeg, pocketsphinx and tesseract into a searchable Index, renders a
// render.Plan with ffmpeg, speaks with flite or espeak-ng, and publishes PR
// artefacts into a folder with a self-contained report.html.
//
// It sits where the videodb backend sits in the flow (capture → Indexer →
// timeline → clipselect → narrate → Renderer → PRSink) and nothing it does
// leaves the machine.
package local
