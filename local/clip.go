package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// keyframeSlack is how close a keyframe must be to a clip's start for the
// clip to be cut by stream copy.
const keyframeSlack = 20 * time.Millisecond

// Clip cuts span of the recording into a playable MP4 under the session's
// local/clips directory and returns its path. The same span is cut once.
// When a keyframe sits at the span's start the streams are copied; otherwise
// the clip is re-encoded so it starts exactly there.
func (x *Index) Clip(ctx context.Context, span session.Span) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	c := span.Clamp(x.length)
	if c.Len() <= 0 {
		return "", fmt.Errorf("clip %s: nothing of it lies in the recording (0:00–%s): %w", span, session.Clock(x.length), session.ErrSpan)
	}
	x.clipMu.Lock()
	defer x.clipMu.Unlock()
	dir := x.s.Path(dirClips)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("%09d-%09d.mp4", c.Start.Milliseconds(), c.End.Milliseconds()))
	if fi, err := os.Stat(out); err == nil && fi.Size() > 0 {
		return out, nil
	}
	if !x.kfLoaded {
		kf, err := x.loadKeyframes(ctx)
		if err != nil {
			return "", err
		}
		x.keyframes, x.kfLoaded = kf, true
	}
	tmp := out + ".tmp.mp4"
	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-ss", secs(c.Start), "-i", x.rec, "-t", secs(c.Len())}
	if x.keyframeAt(c.Start) {
		args = append(args, "-c", "copy", "-avoid_negative_ts", "make_zero")
	} else {
		args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k")
	}
	args = append(args, "-movflags", "+faststart", tmp)
	if _, err := x.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Args: args}); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cut clip %s from %s: %w", c, x.rec, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	return out, nil
}

func (x *Index) keyframeAt(t time.Duration) bool {
	i := sort.Search(len(x.keyframes), func(i int) bool { return x.keyframes[i] >= t-keyframeSlack })
	return i < len(x.keyframes) && x.keyframes[i] <= t+keyframeSlack
}

// loadKeyframes lists the video keyframe times (ffprobe decodes only them).
func (x *Index) loadKeyframes(ctx context.Context) ([]time.Duration, error) {
	out, err := x.run.run(ctx, execx.Cmd{Tool: "ffprobe", Args: []string{
		"-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey",
		"-show_entries", "frame=pts_time", "-of", "csv=p=0", x.rec,
	}})
	if err != nil {
		return nil, fmt.Errorf("list keyframes of %s: %w", x.rec, err)
	}
	var kf []time.Duration
	for _, l := range strings.Split(string(out), "\n") {
		if v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), ",")), 64); err == nil {
			kf = append(kf, session.FromSeconds(v))
		}
	}
	sort.Slice(kf, func(i, j int) bool { return kf[i] < kf[j] })
	return kf, nil
}
