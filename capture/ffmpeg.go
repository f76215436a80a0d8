package capture

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracepr/trace/internal/execx"
)

// Defaults for a Request's zero fields.
const (
	DefaultFPS    = 10
	DefaultCRF    = 23 // legible code text at x264 ultrafast
	DefaultOutput = "screen.mp4"
	// ChunkDir is the directory (inside the session directory) that holds
	// live-mode chunks and their list.
	ChunkDir = "chunks"
	// ChunkList is the segment list ffmpeg appends a line to as each chunk
	// closes: "name,start,end" in seconds.
	ChunkList = "segments.csv"
)

// Options are the settings shared by every recorder. The zero value works.
type Options struct {
	// Mic says where the microphone comes from when Request.Audio is set
	// and Request.AudioInput is empty: "pulse" or "alsa" on Linux (default
	// pulse when a PulseAudio/PipeWire server runs, else alsa), an
	// avfoundation audio device on macOS (default "default"), or a dshow
	// device name on Windows (there is no default there; without one the
	// recording has no audio, and Result.Audio says so).
	Mic string
	// Preset is the x264 preset; default "ultrafast".
	Preset string
	// GOP is the number of frames between keyframes; default 30 seconds'
	// worth. Fragments are cut by time, so a long GOP costs no safety.
	GOP int
	// StopTimeout is how long Stop waits for the recorder to finish after
	// asking it, before killing it; default 15s.
	StopTimeout time.Duration
	// StartTimeout is how long Start waits for the first frame; default 20s.
	StartTimeout time.Duration
	// Log receives the recorder's own output (ffmpeg's stderr); nil drops it
	// (its tail still goes into error messages).
	Log io.Writer
	// Logger logs what the recorder does; nil discards.
	Logger *slog.Logger
	// Env is the environment used for defaults (display, pulse); zero
	// means EnvFromOS().
	Env *Env
}

func (o Options) env() Env {
	if o.Env != nil {
		return *o.Env
	}
	return EnvFromOS()
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// New returns the recorder called name (one of Backends).
func New(name string, opts Options) (Recorder, error) {
	switch name {
	case X11Grab, AVFoundation, GDIGrab:
		return &FFmpeg{Grabber: name, Options: opts}, nil
	case WFRecorder:
		return &WF{Options: opts}, nil
	}
	return nil, fmt.Errorf("unknown recorder %q: use one of %s", name, strings.Join(Backends(), ", "))
}

// FFmpeg records the screen with one ffmpeg process (x11grab, avfoundation
// or gdigrab) and the mic in the same process, so both share one clock.
// The file is fragmented MP4 cut every second, so a killed recorder leaves
// a playable file that lost at most about a second.
type FFmpeg struct {
	Grabber string // X11Grab, AVFoundation or GDIGrab
	Options
}

// Name returns the grabber's name.
func (f *FFmpeg) Name() string { return f.Grabber }

func (r Request) withDefaults() Request {
	if r.Output == "" {
		r.Output = DefaultOutput
	}
	if r.FPS <= 0 {
		r.FPS = DefaultFPS
	}
	if r.CRF <= 0 {
		r.CRF = DefaultCRF
	}
	return r
}

// Args returns ffmpeg's argument list for req (without the program name).
// Paths in it are relative to req.Dir, where ffmpeg runs.
func (f *FFmpeg) Args(req Request) ([]string, error) {
	req = req.withDefaults()
	env := f.env()
	args := []string{"-hide_banner", "-nostats", "-loglevel", "info", "-progress", "pipe:1", "-stats_period", "0.5"}
	fps := strconv.Itoa(req.FPS)
	audioIn := false
	switch {
	case len(req.VideoInput) > 0:
		args = append(args, "-thread_queue_size", "512")
		args = append(args, req.VideoInput...)
	case f.Grabber == X11Grab:
		display := req.Display
		if display == "" {
			display = env.Display
		}
		if display == "" {
			display = ":0"
		}
		args = append(args, "-thread_queue_size", videoQueue, "-f", "x11grab", "-framerate", fps, "-draw_mouse", "1")
		if req.Size != "" {
			args = append(args, "-video_size", req.Size)
		}
		args = append(args, "-i", display)
	case f.Grabber == AVFoundation:
		screen := req.Display
		if screen == "" {
			screen = "Capture screen 0"
		}
		audio := "none"
		if req.Audio && len(req.AudioInput) == 0 {
			audio = f.Mic
			if audio == "" {
				audio = "default"
			}
			audioIn = true
		}
		args = append(args, "-thread_queue_size", "512", "-f", "avfoundation", "-framerate", fps, "-capture_cursor", "1", "-pixel_format", "uyvy422")
		if req.Size != "" {
			args = append(args, "-video_size", req.Size)
		}
		args = append(args, "-i", screen+":"+audio)
	case f.Grabber == GDIGrab:
		target := req.Display
		if target == "" {
			target = "desktop"
		}
		args = append(args, "-thread_queue_size", "512", "-f", "gdigrab", "-framerate", fps, "-draw_mouse", "1")
		if req.Size != "" {
			args = append(args, "-video_size", req.Size)
		}
		args = append(args, "-i", target)
	default:
		return nil, fmt.Errorf("unknown ffmpeg grabber %q: use %s, %s or %s", f.Grabber, X11Grab, AVFoundation, GDIGrab)
	}
	audioMap := ""
	switch {
	case !req.Audio:
	case len(req.AudioInput) > 0:
		args = append(args, "-thread_queue_size", "512")
		args = append(args, req.AudioInput...)
		audioMap = "1:a:0"
	case audioIn:
		audioMap = "0:a:0"
	case f.Grabber == X11Grab:
		mic := f.Mic
		if mic == "" {
			mic = "alsa"
			if env.PulseSocket {
				mic = "pulse"
			}
		}
		args = append(args, "-thread_queue_size", "512", "-f", mic, "-ac", "1", "-i", "default")
		audioMap = "1:a:0"
	case f.Grabber == GDIGrab && f.Mic != "":
		args = append(args, "-thread_queue_size", "512", "-f", "dshow", "-i", "audio="+f.Mic)
		audioMap = "1:a:0"
	}
	args = append(args, "-map", "0:v:0")
	if audioMap != "" {
		args = append(args, "-map", audioMap)
	}
	preset := f.Preset
	if preset == "" {
		preset = "ultrafast"
	}
	gop := f.GOP
	if gop <= 0 {
		gop = req.FPS * 30
	}
	// crop to even dimensions: yuv420p needs them, and crop costs nothing.
	args = append(args, "-vf", "crop=trunc(iw/2)*2:trunc(ih/2)*2",
		"-c:v", "libx264", "-preset", preset, "-crf", strconv.Itoa(req.CRF), "-g", strconv.Itoa(gop), "-pix_fmt", "yuv420p")
	if audioMap != "" {
		args = append(args, "-c:a", "aac", "-b:a", "96k", "-ac", "1")
	}
	const fragFlags = "+empty_moov+default_base_moof"
	if req.Segment > 0 {
		seg := strconv.FormatFloat(req.Segment.Seconds(), 'f', -1, 64)
		args = append(args, "-force_key_frames", "expr:gte(t,n_forced*"+seg+")", "-flags", "+global_header", "-f", "tee",
			"[f=mp4:movflags="+fragFlags+":frag_duration=1000000:flush_packets=1]"+teeEscape(req.Output)+
				"|[f=segment:segment_time="+seg+":segment_format=mp4:reset_timestamps=1:segment_list_type=csv:segment_list="+
				teeEscape(ChunkDir+"/"+ChunkList)+"]"+teeEscape(ChunkDir+"/chunk_%05d.mp4"))
	} else {
		args = append(args, "-movflags", fragFlags, "-frag_duration", "1000000", "-flush_packets", "1", "-f", "mp4", "-n", req.Output)
	}
	return args, nil
}

// videoQueue bounds the raw frames queued between the screen grabber and
// the encoder. A large queue lets a loaded machine pile up seconds of raw
// 1080p frames (8 MB each) that a stop then drops; a small one makes the
// grabber wait, and x11grab stamps frames with the wall clock, so a
// slow encoder costs frames, not time.
const videoQueue = "8"

// teeEscape escapes the characters the tee muxer treats specially.
func teeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `|`, `\|`, `[`, `\[`, `]`, `\]`, `:`, `\:`, `'`, `\'`)
	return r.Replace(s)
}

// Start runs ffmpeg and returns once it has recorded its first frame.
// When the default mic cannot be opened (no sound server, no device), it
// records the screen alone rather than nothing, logs why, and the Result
// says there is no audio. An explicit Request.AudioInput is never dropped.
func (f *FFmpeg) Start(ctx context.Context, req Request) (Handle, error) {
	h, err := f.start(ctx, req)
	if err == nil || !req.Audio || len(req.AudioInput) > 0 || ctx.Err() != nil {
		return h, err
	}
	req.Audio = false
	h, err2 := f.start(ctx, req)
	if err2 != nil {
		return nil, err2
	}
	f.logger().Warn("the microphone could not be opened; recording the screen without audio (pass --audio-input to choose a source, or --no-mic)", "err", err)
	return h, nil
}

func (f *FFmpeg) start(ctx context.Context, req Request) (Handle, error) {
	req = req.withDefaults()
	if req.Dir == "" {
		return nil, fmt.Errorf("capture: Request.Dir is empty: give the session directory")
	}
	args, err := f.Args(req)
	if err != nil {
		return nil, err
	}
	if req.Segment > 0 {
		if err := os.MkdirAll(filepath.Join(req.Dir, ChunkDir), 0o700); err != nil {
			return nil, fmt.Errorf("create chunk directory: %w", err)
		}
	}
	path, err := execx.Look("ffmpeg")
	if err != nil {
		return nil, err
	}
	log := f.logger()
	log.Info("starting recorder", "recorder", f.Grabber, "args", strings.Join(args, " "))
	// The recorder is long-lived and stopped through its stdin, so it runs
	// under os/exec directly (execx.Run waits for the end of a tool).
	cmd := exec.Command(path, args...)
	cmd.Dir = req.Dir
	setProcAttr(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	h := &procHandle{
		name:        f.Grabber,
		out:         filepath.Join(req.Dir, req.Output),
		dir:         req.Dir,
		stopTimeout: durOr(f.StopTimeout, 15*time.Second),
		log:         log,
		done:        make(chan struct{}),
		firstFrame:  make(chan struct{}),
		bannerSeen:  make(chan struct{}),
		started:     time.Now(),
		quit:        func() error { _, err := io.WriteString(stdin, "q"); stdin.Close(); return err },
	}
	h.kill = func() error { return cmd.Process.Kill() }
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start ffmpeg: %w", err)
	}
	h.pid = cmd.Process.Pid
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); h.readStderr(stderr, f.Log) }()
	go func() { defer readers.Done(); h.readProgress(stdout) }()
	go func() {
		readers.Wait()
		werr := cmd.Wait()
		h.exited(werr)
	}()
	if req.Segment > 0 {
		h.chunks = make(chan Chunk, 64)
		h.chunksWG.Add(1)
		go h.pollSegments(filepath.Join(req.Dir, ChunkDir))
	}
	return h.waitStarted(ctx, durOr(f.StartTimeout, 20*time.Second))
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// procHandle is the Handle of a recorder process (ffmpeg or wf-recorder).
type procHandle struct {
	name        string
	out, dir    string
	pid         int
	stopTimeout time.Duration
	log         *slog.Logger
	quit        func() error // ask the process to finish cleanly
	kill        func() error
	finish      func(context.Context) error // optional: turn the raw file into the final one
	started     time.Time

	done       chan struct{}
	firstFrame chan struct{}
	frameOnce  sync.Once
	epochNanos atomic.Int64
	// banner is the first input's wall-clock start from ffmpeg's banner
	// (0 when it is not a wall clock); bannerSeen closes once it is read.
	banner     atomic.Int64
	bannerSeen chan struct{}
	bannerOnce sync.Once
	bytes      atomic.Int64

	mu       sync.Mutex
	stopping bool
	err      error // why it exited on its own
	tail     []string

	chunks   chan Chunk
	chunksWG sync.WaitGroup

	stopOnce sync.Once
	result   Result
	stopErr  error
}

// PID returns the recorder process id.
func (h *procHandle) PID() int { return h.pid }

// Done is closed when the recorder process has exited.
func (h *procHandle) Done() <-chan struct{} { return h.done }

// Err says why the recorder exited on its own.
func (h *procHandle) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// Epoch is the wall-clock time of the first recorded frame.
func (h *procHandle) Epoch() time.Time {
	n := h.epochNanos.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Chunks returns the closed live-mode pieces, or nil when Request.Segment
// was zero. It is closed after the last piece once the recorder exits.
func (h *procHandle) Chunks() <-chan Chunk { return h.chunks }

func (h *procHandle) setEpoch(t time.Time) {
	h.frameOnce.Do(func() {
		h.epochNanos.Store(t.UnixNano())
		close(h.firstFrame)
	})
}

func (h *procHandle) exited(werr error) {
	h.mu.Lock()
	if !h.stopping {
		tail := strings.Join(h.tail, " | ")
		if tail == "" {
			tail = "no output"
		}
		if werr == nil {
			werr = fmt.Errorf("exited without being asked")
		}
		h.err = fmt.Errorf("recorder %s (pid %d) died: %v: %s", h.name, h.pid, werr, tail)
	}
	h.mu.Unlock()
	close(h.done)
}

func (h *procHandle) waitStarted(ctx context.Context, timeout time.Duration) (Handle, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-h.firstFrame:
	case <-h.done:
		return nil, fmt.Errorf("%w (check the display, the mic and the recorder log)", h.Err())
	case <-t.C:
		h.forceStop()
		return nil, fmt.Errorf("recorder %s wrote no frame within %s: %s: check that the display is reachable", h.name, timeout, h.tailString())
	case <-ctx.Done():
		h.forceStop()
		return nil, ctx.Err()
	}
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), h.stopTimeout+5*time.Second)
			defer cancel()
			h.Stop(sctx)
		case <-h.done:
		}
	}()
	return h, nil
}

func (h *procHandle) forceStop() {
	h.mu.Lock()
	h.stopping = true
	h.mu.Unlock()
	h.kill()
	<-h.done
}

func (h *procHandle) tailString() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.tail, " | ")
}

// Stop asks the recorder to finish (once), waits for it (then kills it
// after the stop timeout), and measures the file. Every call returns the
// same Result. A recorder that died on its own still yields the Result of
// what it wrote; Stop fails only when there is no playable file.
func (h *procHandle) Stop(ctx context.Context) (Result, error) {
	h.stopOnce.Do(func() { h.result, h.stopErr = h.stop(ctx) })
	return h.result, h.stopErr
}

func (h *procHandle) stop(ctx context.Context) (Result, error) {
	h.mu.Lock()
	h.stopping = true
	h.mu.Unlock()
	select {
	case <-h.done:
	default:
		h.log.Info("stopping recorder", "recorder", h.name, "pid", h.pid)
		if err := h.quit(); err != nil {
			h.log.Debug("asking the recorder to quit failed", "err", err)
		}
		t := time.NewTimer(h.stopTimeout)
		select {
		case <-h.done:
		case <-t.C:
			h.log.Warn("recorder did not finish in time; killing it", "recorder", h.name, "timeout", h.stopTimeout)
			h.kill()
			<-h.done
		case <-ctx.Done():
			h.kill()
			<-h.done
		}
		t.Stop()
	}
	h.chunksWG.Wait()
	pctx := ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
	}
	if h.finish != nil {
		if err := h.finish(pctx); err != nil {
			return Result{}, err
		}
	}
	info, err := Probe(pctx, h.out)
	if err != nil {
		return Result{}, fmt.Errorf("recorder %s finished but %w", h.name, err)
	}
	epoch := h.Epoch()
	if epoch.IsZero() {
		epoch = h.started
	}
	return Result{Path: h.out, Duration: info.Duration, Epoch: epoch, Audio: info.Audio, FPS: info.FPS, Width: info.Width, Height: info.Height}, nil
}

// startRe matches the line ffmpeg prints under "Input #0": the first
// frame's timestamp. x11grab stamps frames with the wall clock, so there it
// is the epoch. The banner comes before the output opens, so it alone does
// not prove the recorder runs (a mic that fails to open ends ffmpeg after it).
var startRe = regexp.MustCompile(`^\s*Duration: .*, start: (-?[0-9]+\.[0-9]+)`)

func (h *procHandle) readStderr(r io.Reader, log io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sc.Split(scanLinesCR)
	input := -1
	for sc.Scan() {
		line := sc.Text()
		if log != nil {
			io.WriteString(log, line+"\n")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		h.mu.Lock()
		h.tail = append(h.tail, strings.TrimSpace(line))
		if len(h.tail) > 6 {
			h.tail = h.tail[len(h.tail)-6:]
		}
		h.mu.Unlock()
		if strings.HasPrefix(line, "Input #") {
			input, _ = strconv.Atoi(strings.TrimPrefix(strings.SplitN(line, ",", 2)[0], "Input #"))
			continue
		}
		if input == 0 {
			if m := startRe.FindStringSubmatch(line); m != nil {
				if t, ok := wallClockStart(m[1], time.Now()); ok {
					h.banner.Store(t.UnixNano())
				}
				h.bannerOnce.Do(func() { close(h.bannerSeen) })
				input = -1
			}
		}
	}
	io.Copy(io.Discard, r)
}

// wallClockStart reads ffmpeg's "start:" seconds as a wall-clock time when
// it is one (within a day of now); grabbers that count from zero give false.
func wallClockStart(s string, now time.Time) (time.Time, bool) {
	secs, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, false
	}
	frac = (frac + "000000000")[:9]
	ns, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	t := time.Unix(sec, ns)
	if d := now.Sub(t); d < -24*time.Hour || d > 24*time.Hour {
		return time.Time{}, false
	}
	return t, true
}

// readProgress reads `-progress` blocks. When the grabber gave no
// wall-clock start, the epoch is the time of the first block that reports
// a frame, less the output time it reports.
func (h *procHandle) readProgress(r io.Reader) {
	sc := bufio.NewScanner(r)
	var frame, outUS int64
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch k {
		case "frame":
			frame, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		case "out_time_us":
			outUS, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		case "total_size":
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				h.bytes.Store(n)
			}
		case "progress":
			// The first block that counts a frame proves the output is
			// being written (all inputs opened): the recorder runs.
			if frame > 0 && h.epochNanos.Load() == 0 {
				at := time.Now()
				select { // the banner is printed first, but read concurrently
				case <-h.bannerSeen:
				case <-time.After(200 * time.Millisecond):
				}
				if b := h.banner.Load(); b != 0 {
					h.setEpoch(time.Unix(0, b))
				} else {
					h.setEpoch(at.Add(-time.Duration(max(outUS, 0)) * time.Microsecond))
				}
			}
		}
	}
	io.Copy(io.Discard, r)
}

func scanLinesCR(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		if c == '\n' || c == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// pollSegments reports each chunk ffmpeg closes: the segment muxer appends
// a line to the list only once a piece is complete.
func (h *procHandle) pollSegments(dir string) {
	defer h.chunksWG.Done()
	defer close(h.chunks)
	sent := 0
	read := func() {
		cs, err := ReadChunkList(filepath.Join(dir, ChunkList))
		if err != nil {
			h.log.Warn("read chunk list", "err", err)
			return
		}
		for ; sent < len(cs); sent++ {
			h.chunks <- cs[sent]
		}
	}
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			read()
		case <-h.done:
			read()
			return
		}
	}
}
