package testutil

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Git runs git in dir away from the user's global and system git config and
// returns its trimmed output. A failure fails the test with git's output.
// It sets no identity: a repository made by GitInit has one of its own.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	NeedTool(t, "git")
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v in %s: %v: %s", args, dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// GitInit makes dir a git repository on branch main with a test identity in
// its own config (so commits need nothing from the user's environment).
func GitInit(t testing.TB, dir string) {
	t.Helper()
	Git(t, dir, "init", "-q", "-b", "main")
	Git(t, dir, "config", "user.name", "Test Dev")
	Git(t, dir, "config", "user.email", "dev@example.com")
}
