package capture

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseChunkList(f *testing.F) {
	f.Add("chunk_00000.mp4,0.000000,15.023\nchunk_00001.mp4,15.023,30.1\n")
	f.Add("chunk_00000.mp4,0.0,1\n../x,1,2\nbad\n\"q,1,2")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := parseChunkList(strings.NewReader(s), "/d")
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			if c.Seq != i || !c.Span.Valid() || !strings.HasPrefix(c.Path, "/d/") {
				t.Fatalf("bad chunk %+v", c)
			}
		}
	})
}

func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"codec_type":"video","width":640,"height":480,"avg_frame_rate":"10/1","duration":"4.9"}],"format":{"duration":"4.9"}}`))
	f.Add([]byte(`{"streams":[{"codec_type":"video","avg_frame_rate":"0/0"}],"format":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseProbe(b)
		if err == nil && (!info.Video || info.Duration <= 0) {
			t.Fatalf("accepted a recording without video or duration: %+v", info)
		}
	})
}

func TestParseChunkListTornLine(t *testing.T) {
	cs, err := parseChunkList(strings.NewReader("chunk_00000.mp4,0.000000,15.0\nchunk_00001.mp4,15.0,30.0\n"), "/s/chunks")
	if err != nil || len(cs) != 2 {
		t.Fatalf("got %v %v", cs, err)
	}
	cs, _ = parseChunkList(strings.NewReader("chunk_00000.mp4,0.000000,15.0\nchunk_00001.mp4,15.0,3"), "/s/chunks")
	if len(cs) != 1 {
		t.Fatalf("a last line without newline may be torn (30.0 cut to 3): %v", cs)
	}
	cs, _ = parseChunkList(strings.NewReader("chunk_00000.mp4,0.000000,15.0\nchunk_00001.mp4,15.0,"), "/s/chunks")
	if len(cs) != 1 || cs[0].Path != "/s/chunks/chunk_00000.mp4" {
		t.Fatalf("a torn last line is skipped: %v", cs)
	}
}

func TestWallClockStart(t *testing.T) {
	now := mustParse("2026-11-25T10:00:00Z")
	if _, ok := wallClockStart("0.000000", now); ok {
		t.Fatal("a zero start is not a wall clock")
	}
	if got, ok := wallClockStart("1795600000.250000", mustParse("2026-11-25T09:00:00Z")); !ok || got.UnixMilli() != 1795600000250 {
		t.Fatalf("got %v %v", got, ok)
	}
}

func mustParse(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
