package videodb_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// BenchmarkUploadFile sends a 200 MB sparse file through the fake and
// reports the bytes allocated per upload (client and fake together): the
// file is streamed, so this stays flat whatever the file size.
func BenchmarkUploadFile(b *testing.B) {
	const size = 200 << 20
	p := filepath.Join(b.TempDir(), "big.mp4")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	srv := videodbtest.NewServer(videodbtest.Options{Sync: true, MaxStoredUpload: -1})
	defer srv.Close()
	c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, PollInterval: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.UploadFile(ctx, videodb.UploadRequest{Path: p}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MiB/op")
	b.ReportMetric(float64(after.HeapSys)/(1<<20), "heap-sys-MiB")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}
