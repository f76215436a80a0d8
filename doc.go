// Package trace gives pull requests a memory.
//
// A developer runs `trace start`, codes and talks, runs `trace stop`, and
// trace turns the recorded session into PR artefacts: a narrated walkthrough
// video of the moments that matter, a PR description grounded in what was
// said and seen (What / Why / Struggles / Follow-ups), a reviewer focus
// guide, a human-vs-AI-agent map of every added line, and a /trace bot that
// answers reviewers with a short answer and timestamped clips.
//
// # The flow
//
//	capture ─► session dir ─► Indexer ─► Index ─► timeline ─► clipselect ─► narrate ─► render ─► ghpr
//	  Recorder   (session)    (videodb|local)     (moments)    (clips)      (scripts,   (Plan,     (PRSink)
//	  SaveWatcher                                                            voice)     Renderer)
//	  WindowPoller
//	agent logs ─► attribution ─────────────────────────────────────────────────────────────────► ghpr
//	/trace comments ─► qa ─► Index.Search ─► answer + clips ─► PRSink.Reply
//
// # The packages
//
// Floor 0, the vocabulary: [github.com/tracepr/trace/session] holds the
// shared types (Span, Segment, Scene, SaveEvent, Moment, Clip, Diff…), the
// session store and the Indexer/Index contract. Start reading there.
//
// Floor 1, the steps, each importing only session: capture (Recorder),
// timeline (Timeline), clipselect, narrate (Writer, Voice), render (Plan,
// Renderer), attribution, ghpr (PRSink), qa.
//
// Floor 2, the backends: videodb (the VideoDB API client and adapters) and
// local (ffmpeg, pocketsphinx, tesseract, espeak-ng; nothing leaves the machine).
//
// Floor 3, this package: the Pipeline that composes the steps, with
// resumable Stop and Generate.
//
// Each interface has a fake and a conformance suite in a sibling *test
// package (capturetest, sessiontest, rendertest, ghprtest, videodbtest), so a
// tool embedding trace can test against the fakes and check its own
// implementations against the same contract.
//
// examples/trace is the reference CLI; examples/embed composes a custom pipeline.
package trace

// Version is the version of this module's reference CLI and library.
const Version = "0.1.0-dev"
