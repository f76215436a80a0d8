// Package capture records a coding session: the screen and mic (Recorder),
// file saves (SaveWatcher, on fsnotify), the active window (WindowPoller), a
// heartbeat, and live chunks uploaded while recording. It is the first step
// of the flow: capture → session directory → Indexer → timeline → clipselect
// → narrate → render → ghpr. capturetest holds a fake Recorder and the
// conformance suite every Recorder passes.
package capture
