package capture

import (
	"context"
	"github.com/tracepr/trace/session"
	"time"
)

// Recorder records the screen (and the mic, when asked) into a session
// directory. Implementations: the ffmpeg backends (x11grab, avfoundation,
// gdigrab), wf-recorder, and capturetest's fake.
type Recorder interface {
	// Name says which backend this is ("x11grab", "wf-recorder"…).
	Name() string
	// Start begins recording and returns once the recorder runs. The
	// recording outlives ctx's deadline only until Stop; cancelling ctx
	// stops the recorder as Stop would.
	Start(ctx context.Context, req Request) (Handle, error)
}

// Request says what to record and where.
type Request struct {
	Dir    string // session directory; the recording is written inside it
	Output string // file name inside Dir; default "screen.mp4"
	Audio  bool   // record the mic (or AudioInput) into the same file
	// AudioInput overrides the audio source with any ffmpeg input spec
	// ("-f lavfi -i sine=frequency=440" style, as separate args).
	AudioInput []string
	// VideoInput overrides the screen source with any ffmpeg input args
	// (tests use lavfi testsrc; unusual setups use their own grabber).
	VideoInput []string
	FPS        int    // default 10
	Size       string // "1920x1080"; default: the display's native size
	Display    string // X11 display or screen index; default from the environment
	CRF        int    // x264 quality; default 23 (legible code text at ultrafast)
	// Segment, when > 0, also closes a playable piece of the recording
	// every Segment (live mode); the Handle then implements ChunkSource.
	Segment time.Duration
}

// Handle is a running recording.
type Handle interface {
	// Stop asks the recorder to finish, waits for a playable file and
	// returns it. It is idempotent: every call returns the same Result.
	Stop(ctx context.Context) (Result, error)
	// Done is closed when the recorder process has exited, for any reason.
	Done() <-chan struct{}
	// Err says why the recorder exited on its own (nil while it runs and
	// after a clean Stop).
	Err() error
	// Epoch is the wall-clock time of the first recorded frame, or zero
	// until the recorder has written one.
	Epoch() time.Time
}

// Result describes a finished recording.
type Result struct {
	Path     string        // the playable file
	Duration time.Duration // measured from the file
	Epoch    time.Time     // wall time of the first frame
	Audio    bool          // the file really has an audio stream
	FPS      float64
	Width    int
	Height   int
}

// Chunk is a closed, playable piece of a recording made in live mode.
type Chunk struct {
	Seq  int          `json:"seq"`
	Path string       `json:"path"`
	Span session.Span `json:"span"` // offsets from the session epoch
}

// ChunkUploader receives each closed chunk while recording continues (live
// mode). The VideoDB backend uploads and indexes it; tests use a fake.
// Upload must be safe to call again for a chunk it already has (it is
// retried after a failure).
type ChunkUploader interface {
	Upload(ctx context.Context, c Chunk) (id string, err error)
}
