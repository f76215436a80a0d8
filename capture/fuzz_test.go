package capture_test

import (
	"testing"

	"github.com/tracepr/trace/capture"
)

func FuzzParseSwayTree(f *testing.F) {
	f.Add([]byte(`{"type":"root","nodes":[{"type":"con","focused":true,"name":"x","app_id":"foot"}]}`))
	f.Add([]byte(`{"nodes":[{"nodes":[{"nodes":[]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		capture.ParseSwayTree(b)
		capture.ParseHyprctl(b)
	})
}

func FuzzParseXprop(f *testing.F) {
	f.Add([]byte("WM_CLASS(STRING) = \"xterm\", \"XTerm\"\nWM_NAME(STRING) = \"a \\\"b\"\n"))
	f.Add([]byte("WM_CLASS(STRING) = \"unterminated"))
	f.Fuzz(func(t *testing.T, b []byte) {
		capture.ParseXprop(b)
		capture.ParseTabbed(b)
	})
}
