package capture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
)

// ErrNotPlayable is wrapped by Probe's error for a file ffprobe cannot read.
var ErrNotPlayable = errors.New("recording is not playable")

// Info is what ffprobe measured in a recording.
type Info struct {
	Duration      time.Duration // the container's duration
	VideoDuration time.Duration
	AudioDuration time.Duration // zero when there is no audio stream
	Video         bool
	Audio         bool
	Width, Height int
	FPS           float64 // measured average frame rate (frames / duration)
	Size          int64   // bytes on disk
}

// Probe measures a recording with ffprobe. A missing, empty or unreadable
// file gives an error wrapping ErrNotPlayable that names the file.
func Probe(ctx context.Context, path string) (Info, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Info{}, fmt.Errorf("recording %s is missing: %w", path, ErrNotPlayable)
	}
	if st.Size() == 0 {
		return Info{}, fmt.Errorf("recording %s is empty: the recorder wrote nothing (see the recorder log beside it): %w", path, ErrNotPlayable)
	}
	out, err := execx.Output(ctx, "ffprobe", "-v", "error", "-show_entries",
		"format=duration:stream=codec_type,width,height,avg_frame_rate,r_frame_rate,duration,nb_frames",
		"-of", "json", path)
	if err != nil {
		if errors.Is(err, execx.ErrNotInstalled) || ctx.Err() != nil {
			return Info{}, err
		}
		return Info{}, fmt.Errorf("recording %s cannot be read (%v): %w", path, err, ErrNotPlayable)
	}
	info, err := parseProbe(out)
	if err != nil {
		return Info{}, fmt.Errorf("recording %s: %v: %w", path, err, ErrNotPlayable)
	}
	info.Size = st.Size()
	return info, nil
}

type probeJSON struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		AvgFrameRate string `json:"avg_frame_rate"`
		RFrameRate   string `json:"r_frame_rate"`
		Duration     string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// parseProbe reads ffprobe's JSON. A file without a video stream or without
// a duration is not a usable recording.
func parseProbe(b []byte) (Info, error) {
	var p probeJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return Info{}, fmt.Errorf("ffprobe printed unreadable JSON: %v", err)
	}
	var info Info
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			if info.Video {
				continue
			}
			info.Video = true
			info.Width, info.Height = s.Width, s.Height
			info.VideoDuration = parseSeconds(s.Duration)
			info.FPS = parseRate(s.AvgFrameRate)
			if info.FPS == 0 {
				info.FPS = parseRate(s.RFrameRate)
			}
		case "audio":
			if info.Audio {
				continue
			}
			info.Audio = true
			info.AudioDuration = parseSeconds(s.Duration)
		}
	}
	info.Duration = parseSeconds(p.Format.Duration)
	if info.Duration == 0 {
		info.Duration = max(info.VideoDuration, info.AudioDuration)
	}
	if !info.Video {
		return info, errors.New("no video stream")
	}
	if info.Duration <= 0 {
		return info, errors.New("no frames (duration 0)")
	}
	return info, nil
}

func parseSeconds(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e7 {
		return 0
	}
	return time.Duration(f * float64(time.Second)).Round(time.Millisecond)
}

func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	n, err1 := strconv.ParseFloat(num, 64)
	d, err2 := strconv.ParseFloat(den, 64)
	if err1 != nil || err2 != nil || d == 0 {
		return 0
	}
	return n / d
}
