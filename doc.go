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
// Floor 3, this package: the Pipeline that composes the steps. Stop indexes
// a captured session and builds its timeline; Generate selects clips, maps
// the contribution, ranks the files for review, narrates, voices, plans,
// renders and publishes. Every step stores its result in the session
// directory with a hash of its inputs, so a rerun after a crash continues
// where it stopped, redoes nothing and publishes nothing twice; independent
// branches (attribution and focus, narration to video, the description) run
// side by side. Progress arrives as Events.
//
// # Where to start
//
// Read session (types.go, index.go), then the five interfaces: capture.Recorder,
// session.Indexer, timeline.Timeline, render.Renderer and ghpr.PRSink, plus
// narrate.Writer and narrate.Voice. Pipeline's example runs the whole flow
// over the fakes.
//
// Each interface has a fake and a conformance suite in a sibling *test
// package (capturetest, sessiontest, rendertest, ghprtest, videodbtest;
// narratetest has the Writer and Voice fakes), so a tool embedding trace can
// test against the fakes and check its own implementations against the same
// contract.
//
// examples/trace is the reference CLI; examples/embed composes a custom
// pipeline with a timeline classifier of its own; bench measures the whole
// product (see BENCHMARKS.md).
package trace

// Version is the version of this module's reference CLI and library.
const Version = "0.1.0-dev"
