package timeline

import (
	"errors"
	"fmt"

	"github.com/tracepr/trace/session"
)

// ErrInvalid is wrapped by every error Check returns.
var ErrInvalid = errors.New("timeline is not valid")

// Check verifies a timeline's invariants: moments in time order, each
// non-empty, gap-free and non-overlapping, covering exactly [0, Length]. A
// timeline of length zero has no moments. The error names the first
// offending moment.
func Check(tl Timeline) error {
	L := tl.Length()
	ms := tl.Moments()
	if L < 0 {
		return fmt.Errorf("%w: negative length %v", ErrInvalid, L)
	}
	if L == 0 {
		if len(ms) > 0 {
			return fmt.Errorf("%w: length 0 but %d moments", ErrInvalid, len(ms))
		}
		return nil
	}
	if len(ms) == 0 {
		return fmt.Errorf("%w: length %v but no moments", ErrInvalid, L)
	}
	at := session.Span{}.Start
	for i, m := range ms {
		switch {
		case m.Kind == "":
			return fmt.Errorf("%w: moment %d (%s) has no kind", ErrInvalid, i, m.Span)
		case m.Span.Start < at:
			return fmt.Errorf("%w: moment %d (%s, %s) overlaps the one before (ends %s)", ErrInvalid, i, m.Kind, m.Span, session.Clock(at))
		case m.Span.Start > at:
			return fmt.Errorf("%w: gap before moment %d (%s, %s): nothing covers %v..%v", ErrInvalid, i, m.Kind, m.Span, at, m.Span.Start)
		case m.Span.End <= m.Span.Start:
			return fmt.Errorf("%w: moment %d (%s) is empty: %v..%v", ErrInvalid, i, m.Kind, m.Span.Start, m.Span.End)
		case m.Confidence < 0 || m.Confidence > 1 || m.Confidence != m.Confidence:
			return fmt.Errorf("%w: moment %d (%s, %s) has confidence %v outside [0,1]", ErrInvalid, i, m.Kind, m.Span, m.Confidence)
		}
		at = m.Span.End
	}
	if at != L {
		return fmt.Errorf("%w: moments end at %v but the recording is %v long", ErrInvalid, at, L)
	}
	return nil
}
