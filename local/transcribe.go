package local

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// DefaultSpeechModel is where Debian's pocketsphinx-en-us puts the model.
const DefaultSpeechModel = "/usr/share/pocketsphinx/model/en-us"

// speech engines
const (
	speechPocketsphinx = "pocketsphinx_continuous"
	speechFFmpegASR    = "ffmpeg-asr"
)

// maxSegment bounds a transcript segment; longer utterances are split at
// their widest pause.
const maxSegment = 12 * time.Second

// model returns the model files in dir, or an error naming what is missing.
type speechModel struct{ HMM, Dict, LM string }

func findModel(dir string) (speechModel, error) {
	m := speechModel{
		HMM:  filepath.Join(dir, "en-us"),
		Dict: filepath.Join(dir, "cmudict-en-us.dict"),
		LM:   filepath.Join(dir, "en-us.lm.bin"),
	}
	for _, p := range []string{m.HMM, m.Dict, m.LM} {
		if _, err := os.Stat(p); err != nil {
			return m, fmt.Errorf("speech model file %s not found: install pocketsphinx-en-us or set Options.SpeechModel", p)
		}
	}
	return m, nil
}

// speechEngine picks the recogniser: the pocketsphinx command (it reports
// word timings) or ffmpeg's asr filter.
func (ix *Indexer) speechEngine(ctx context.Context) (string, error) {
	if _, err := execx.Look(speechPocketsphinx); err == nil {
		return speechPocketsphinx, nil
	}
	if hasFilter(ctx, ix.run, "asr") {
		return speechFFmpegASR, nil
	}
	return "", fmt.Errorf("no speech recogniser: install pocketsphinx (%s) or an ffmpeg built with pocketsphinx", execx.InstallHint(speechPocketsphinx))
}

func hasFilter(ctx context.Context, r *runner, name string) bool {
	out, err := r.run(ctx, execx.Cmd{Tool: "ffmpeg", Args: []string{"-hide_banner", "-filters"}})
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[1] == name {
			return true
		}
	}
	return false
}

// extractAudio writes the recording's audio as 16 kHz mono WAV.
func (ix *Indexer) extractAudio(ctx context.Context, rec, out string) error {
	tmp := out + ".tmp.wav"
	_, err := ix.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Args: []string{
		"-hide_banner", "-loglevel", "error", "-y", "-i", rec,
		"-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", tmp,
	}})
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("extract audio from %s: %w", rec, err)
	}
	return os.Rename(tmp, out)
}

// transcribe runs the recogniser over a 16 kHz mono WAV.
func (ix *Indexer) transcribe(ctx context.Context, engine string, m speechModel, wav string) ([]session.Segment, error) {
	switch engine {
	case speechPocketsphinx:
		out, err := ix.run.run(ctx, execx.Cmd{Tool: speechPocketsphinx, Args: []string{
			"-infile", wav, "-hmm", m.HMM, "-dict", m.Dict, "-lm", m.LM,
			"-time", "yes", "-logfn", os.DevNull,
		}})
		if err != nil {
			return nil, fmt.Errorf("transcribe %s: %w", wav, err)
		}
		return ParsePocketsphinx(string(out)), nil
	default:
		dir := filepath.Dir(wav)
		res := "asr.txt"
		graph := "apad=pad_dur=1,asr=hmm=" + filterQuote(m.HMM) + ":dict=" + filterQuote(m.Dict) + ":lm=" + filterQuote(m.LM) +
			",ametadata=mode=print:key=lavfi.asr.text:file=" + res
		_, err := ix.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: dir, Args: []string{
			"-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-af", graph, "-f", "null", "-",
		}})
		if err != nil {
			return nil, fmt.Errorf("transcribe %s with ffmpeg asr: %w", wav, err)
		}
		b, err := os.ReadFile(filepath.Join(dir, res))
		if err != nil {
			return nil, fmt.Errorf("transcribe %s: %w", wav, err)
		}
		return ParseASRMetadata(string(b)), nil
	}
}

type word struct {
	text       string
	start, end time.Duration
	conf       float64
}

// ParsePocketsphinx reads the output of `pocketsphinx_continuous -time yes`
// (a hypothesis line, then one "word start end confidence" line per word,
// each utterance framed by <s> and </s>) into sentence segments. Fillers,
// silences and noise markers are dropped; alternate pronunciations such as
// "good(2)" are written as "good". Lines it does not understand are skipped.
func ParsePocketsphinx(out string) []session.Segment {
	var segs []session.Segment
	var cur []word
	flush := func() {
		segs = append(segs, wordsToSegments(cur)...)
		cur = cur[:0]
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			continue
		}
		start, err1 := strconv.ParseFloat(f[1], 64)
		end, err2 := strconv.ParseFloat(f[2], 64)
		conf, err3 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || err3 != nil || end < start || start < 0 {
			continue
		}
		w := f[0]
		switch {
		case w == "<s>":
			flush()
			continue
		case w == "</s>":
			flush()
			continue
		case w == "<sil>" || strings.HasPrefix(w, "[") || strings.HasPrefix(w, "++") || strings.HasPrefix(w, "<"):
			continue
		}
		if i := strings.IndexByte(w, '('); i > 0 {
			w = w[:i]
		}
		cur = append(cur, word{text: w, start: session.FromSeconds(start), end: session.FromSeconds(end), conf: clamp01(conf)})
	}
	flush()
	return segs
}

func clamp01(f float64) float64 { return max(0, min(1, f)) }

// wordsToSegments makes one segment per utterance, split at the widest pause
// when it runs longer than maxSegment.
func wordsToSegments(ws []word) []session.Segment {
	if len(ws) == 0 {
		return nil
	}
	if ws[len(ws)-1].end-ws[0].start > maxSegment && len(ws) > 1 {
		cut, gap := 1, time.Duration(-1)
		for i := 1; i < len(ws); i++ {
			if g := ws[i].start - ws[i-1].end; g > gap {
				cut, gap = i, g
			}
		}
		return append(wordsToSegments(ws[:cut]), wordsToSegments(ws[cut:])...)
	}
	var b strings.Builder
	var conf float64
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
		conf += w.conf
	}
	return []session.Segment{{
		Span:       session.Span{Start: ws[0].start, End: ws[len(ws)-1].end},
		Text:       redact.String(b.String()),
		Confidence: conf / float64(len(ws)),
	}}
}

// ParseASRMetadata reads the file written by ffmpeg's
// `asr,ametadata=mode=print:file=…`: a "frame:N pts:P pts_time:T" line,
// then "lavfi.asr.text=…" for each recognised utterance. The filter reports
// when an utterance ends, not when it starts, so a segment starts about
// 0.4 s per word before its end, but not before the previous one ended.
func ParseASRMetadata(out string) []session.Segment {
	var segs []session.Segment
	var at time.Duration = -1
	var prevEnd time.Duration
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "frame:") {
			at = -1
			for _, f := range strings.Fields(l) {
				if v, ok := strings.CutPrefix(f, "pts_time:"); ok {
					if t, err := strconv.ParseFloat(v, 64); err == nil && t >= 0 {
						at = session.FromSeconds(t)
					}
				}
			}
			continue
		}
		text, ok := strings.CutPrefix(l, "lavfi.asr.text=")
		if !ok || at < 0 {
			continue
		}
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			continue
		}
		n := len(strings.Fields(text))
		start := max(prevEnd, at-time.Duration(n)*400*time.Millisecond, 0)
		if start >= at {
			start = max(0, at-time.Duration(n)*400*time.Millisecond)
		}
		if at <= start {
			continue
		}
		segs = append(segs, session.Segment{Span: session.Span{Start: start, End: at}, Text: redact.String(text)})
		prevEnd = at
	}
	return segs
}
