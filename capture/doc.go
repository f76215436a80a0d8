// Package capture records a coding session: the screen and mic (Recorder),
// file saves (SaveWatcher, on fsnotify), the active window (WindowPoller), a
// heartbeat, and live chunks uploaded while recording (Uploads). It is the
// first step of the flow: capture → session directory → Indexer → timeline
// → clipselect → narrate → render → ghpr. Record runs all of it for one
// session until a stop file appears (RequestStop); Recover finishes a
// session whose recorder died. capturetest holds a fake Recorder and the
// conformance suite every Recorder passes.
//
// # Recorders
//
// Detect picks a backend from the environment and says why: ffmpeg
// x11grab on X11 (and Xwayland), wf-recorder on wlroots Wayland compositors,
// ffmpeg avfoundation on macOS, ffmpeg gdigrab on Windows. GNOME and KDE on
// Wayland allow capture only through the desktop portal, which is not
// driven here: Detect refuses them with what to do, rather than record
// black frames. The mic is recorded by the same ffmpeg process as the
// screen (one clock): PulseAudio/PipeWire-pulse or ALSA, avfoundation,
// dshow. Request.AudioInput takes any ffmpeg input instead. When the
// default mic cannot be opened, the screen is recorded alone (with a
// warning) rather than nothing. Whether audio was recorded is measured with
// ffprobe (Result.Audio), never assumed.
//
// Output is fragmented MP4 cut into one-second fragments (-frag_duration
// 1000000 -flush_packets 1, keyframes every 30 s), so a recorder killed
// with SIGKILL leaves a file that plays up to about a second before the
// kill. wf-recorder writes Matroska (equally crash-tolerant) and is
// remuxed to MP4 on Stop. Defaults: native resolution, 10 fps, libx264
// ultrafast, CRF 23, yuv420p.
//
// Stop writes "q" to ffmpeg's stdin (wf-recorder gets one SIGINT), exactly
// once, waits, then kills after Options.StopTimeout. On Linux the recorder
// also gets one SIGTERM if the trace process dies (so it still finishes its
// file), and it runs in its own process group so a terminal's Ctrl-C does
// not reach it twice.
//
// # The epoch
//
// The epoch is the wall-clock time of the first recorded frame. x11grab
// stamps frames with the wall clock, and ffmpeg prints the first one as
// the input's "start:" time; that value is the epoch. Grabbers that count
// from zero fall back to the time of ffmpeg's first -progress report that
// counts a frame, less the output time it reports (accurate to the
// progress period, 0.5 s, at worst). wf-recorder prints neither: its
// epoch is when its file first holds data, less one frame.
//
// # What was run for real
//
// Linux X11 (x11grab under Xvfb, with ffmpeg 5.1) is tested for real:
// recording, audio through the lavfi sine override, SIGKILL recovery, live
// chunks, the conformance suite, and `trace start`/`trace stop` end to end.
// The avfoundation, gdigrab and wf-recorder paths are checked only as
// command lines (golden files in testdata/); they have not been run.
// The window sources for Hyprland, Sway, macOS and Windows are checked
// only through their output parsers; the X11 one runs under Xvfb.
package capture
