// Command embed shows how a tool composes its own trace pipeline: the local
// backend (nothing leaves the machine), the built-in timeline classifiers
// plus one of its own ("testing": stretches where the screen shows a test
// run), and a folder sink in place of GitHub.
//
//	go run ./examples/embed -home ~/.trace -session latest -diff change.diff -out ./artefacts
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// KindTesting tags the stretches where the developer ran tests.
const KindTesting session.MomentKind = "testing"

// testing is a timeline classifier of this program's own: a scene whose
// text shows a test run (go test, pytest, npm test…) is a testing moment,
// more confident when the run failed.
func testingClassifier() timeline.Classifier {
	return timeline.ClassifierFunc{K: KindTesting, F: func(in *timeline.Input) []session.Moment {
		var out []session.Moment
		for i, sc := range in.Evidence.Scenes {
			text := strings.ToLower(sc.Summary + " " + sc.RawText + " " + strings.Join(sc.Errors, " "))
			if !strings.Contains(text, "go test") && !strings.Contains(text, "pytest") && !strings.Contains(text, "npm test") && !strings.Contains(text, "--- fail") {
				continue
			}
			conf := 0.5
			if strings.Contains(text, "fail") {
				conf = 0.8
			}
			out = append(out, session.Moment{Kind: KindTesting, Span: sc.Span, Confidence: conf, Files: sc.Files,
				Summary:  "a test run on screen",
				Evidence: []session.EvidenceRef{{Type: session.EvScene, Index: i, Note: "test output"}}})
		}
		return out
	}}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("embed", flag.ContinueOnError)
	home := fs.String("home", "", "session store (default $TRACE_HOME or ~/.trace)")
	id := fs.String("session", "latest", "session id or prefix")
	diffFile := fs.String("diff", "", "unified diff of the change (default: git diff main...HEAD in the session's project)")
	out := fs.String("out", "trace-artefacts", "folder to publish into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := session.Open(*home)
	if err != nil {
		return err
	}
	var s *session.Session
	if *id == "latest" {
		s, err = store.Latest()
	} else {
		s, err = store.Get(*id)
	}
	if err != nil {
		return err
	}
	req := trace.Request{Base: "main"}
	if *diffFile != "" {
		f, err := os.Open(*diffFile)
		if err != nil {
			return err
		}
		d, err := ghpr.ParseDiff(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *diffFile, err)
		}
		req.Diff = &d
	}

	p := &trace.Pipeline{
		Indexer:  local.NewIndexer(local.Options{}),
		Renderer: local.NewRenderer(local.RendererOptions{}),
		Voice:    local.NewVoice(local.VoiceOptions{Dir: s.Path("local", "voice")}),
		Sink:     local.NewSink(*out), // Writer nil: the offline writer
		Options: trace.Options{
			Timeline: timeline.Options{
				Classifiers: append(timeline.DefaultClassifiers(), testingClassifier()),
				// Testing outranks speech and idle, not progress or stuck.
				Priority: []session.MomentKind{session.KindAgent, session.KindProgress, session.KindStuck, KindTesting,
					session.KindResearch, session.KindSpeech, session.KindIdle},
			},
			Progress: func(e trace.Event) {
				if e.State == trace.StateDone || e.State == trace.StateSkipped {
					fmt.Fprintf(stdout, "%s %s\n", e.Step, e.State)
				}
			},
		},
	}
	if _, err := p.Stop(ctx, s); err != nil {
		return err
	}
	res, err := p.Generate(ctx, s, req)
	if err != nil {
		return err
	}
	testing := 0
	var tf timeline.File
	if err := s.ReadJSON(session.FileTimeline, &tf); err == nil {
		for _, m := range tf.Moments {
			if m.Kind == KindTesting {
				testing++
			}
		}
	}
	fmt.Fprintf(stdout, "session %s: %d clips, %d testing moments, artefacts in %s\n", s.ID(), len(res.Clips), testing, *out)
	if res.Video.Video.Path != "" {
		fmt.Fprintf(stdout, "walkthrough: %s\n", res.Video.Video.Path)
	}
	return nil
}
