package fsutil_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tracepr/trace/internal/fsutil"
)

// WriteFile replaces a file all at once: a reader sees the old content or
// the new, never a mix.
func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "fsutil")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "timeline.json")
	_ = fsutil.WriteFile(path, []byte(`{"moments":[]}`), 0o600)
	b, _ := os.ReadFile(path)
	fmt.Println(string(b))
	// Output: {"moments":[]}
}
