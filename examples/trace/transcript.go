package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/session"
)

type transcriptOutput struct {
	Session  string            `json:"session"`
	Segments []session.Segment `json:"segments"`
}

func (a *app) transcriptCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "transcript [SESSION]",
		Short: "Print what was said in a session, with timestamps",
		Long: `Print a session's transcript: one line per spoken segment with its offset
from the start of the recording. Segments the recogniser was unsure of are
marked with "?". The transcript exists once the session is indexed (after
` + "`trace stop`" + `).

SESSION is an id, a unique prefix, or "latest" (the default).`,
		Example: `  trace transcript
  trace transcript 5a3c
  trace transcript --json | jq -r '.segments[].text'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session(argOr(args, ""))
			if err != nil {
				return err
			}
			var segs []session.Segment
			if err := s.ReadJSON(session.FileTranscript, &segs); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("session %s has no transcript yet (status %s): index it with `trace stop`: %w", s.ID(), s.Meta.Status, session.ErrNotIndexed)
				}
				return err
			}
			if segs == nil {
				segs = []session.Segment{}
			}
			if a.json {
				return a.printJSON(transcriptOutput{Session: s.ID(), Segments: segs})
			}
			if len(segs) == 0 {
				fmt.Fprintf(a.stdout, "session %s: nothing was said (or the microphone was off)\n", s.ID())
				return nil
			}
			for _, seg := range segs {
				mark := ""
				if seg.Confidence > 0 && seg.Confidence < 0.7 {
					mark = " ?"
				}
				fmt.Fprintf(a.stdout, "[%s]%s %s\n", seg.Span, mark, seg.Text)
			}
			return nil
		},
	}
}
