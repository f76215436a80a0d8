package testutil_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tracepr/trace/internal/testutil"
)

func TestGitInitCommitsWithItsOwnIdentity(t *testing.T) {
	t.Setenv("GIT_AUTHOR_NAME", "")
	os.Unsetenv("GIT_AUTHOR_NAME")
	dir := t.TempDir()
	testutil.GitInit(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Git(t, dir, "add", "a.txt")
	testutil.Git(t, dir, "commit", "-qm", "one")
	if got := testutil.Git(t, dir, "log", "-1", "--format=%an <%ae>"); got != "Test Dev <dev@example.com>" {
		t.Fatalf("author %q", got)
	}
	if got := testutil.Git(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); got != "main" {
		t.Fatalf("branch %q", got)
	}
}
