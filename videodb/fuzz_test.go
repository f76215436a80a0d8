package videodb

import (
	"encoding/json"
	"testing"

	"github.com/tracepr/trace/session"
)

func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"success":true,"data":{"id":"m-1","length":"191.1"}}`,
		`{"success":false,"message":"No results found","error_code":"E1"}`,
		`{"success":true,"status":"processing","request_type":"sync","data":{"id":"job-1","output_url":"http://x/async-response/job-1"}}`,
		`{"status":"done","response":{"success":true,"data":[1,2]}}`,
		`{"status":"in progress","data":{"percentage":"40"}}`,
		`<html><title>502</title></html>`, `{"success":true,"data":{"id":"m-1","len`, ``, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b)
		if err != nil {
			return
		}
		fin, err := unwrapFinal(e)
		if err != nil {
			return
		}
		_ = fin.pending()
		_ = fin.failed()
		var v Video
		_ = json.Unmarshal(fin.Data, &v)
		var st asyncStart
		_ = json.Unmarshal(fin.Data, &st)
		msg, _ := messageOf(b)
		_ = msg
	})
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{`1`, `"191.146667"`, `null`, `""`, `" 2 "`, `"x"`, `1e400`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n Number
		if json.Unmarshal([]byte(s), &n) == nil {
			_ = n.Duration()
		}
	})
}

func FuzzParseSceneDescription(f *testing.F) {
	for _, s := range []string{
		"```json\n{\"label\":\"editor\",\"files\":[\"a.go\"]}\n```",
		`prose {"label":"terminal","errors":"x, y"} more`,
		`{"label": "terminal", "summary": "cut`, `{{{`, `}`, ``, "```",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc := ParseSceneDescription(s)
		if sc.Label == "" {
			t.Fatalf("no label for %q", s)
		}
		if sc.Label != session.ParseSceneLabel(string(sc.Label)) {
			t.Fatalf("label %q is not a known label", sc.Label)
		}
		if sc.RawText != "" && (sc.Summary != "" || len(sc.Files) > 0) {
			t.Fatalf("raw text kept although the JSON parsed: %+v", sc)
		}
	})
}
