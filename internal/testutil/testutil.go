package testutil

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTools reports whether TRACE_REQUIRE_TOOLS is set: CI sets it so
// that a test needing a missing tool fails instead of skipping.
func RequireTools() bool {
	return os.Getenv("TRACE_REQUIRE_TOOLS") != "" && os.Getenv("TRACE_REQUIRE_TOOLS") != "0"
}

// NeedTool skips the test when a tool is not on PATH, or fails it when
// TRACE_REQUIRE_TOOLS is set.
func NeedTool(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			Missing(t, tool+" is not on PATH")
		}
	}
}

// NeedFile skips (or fails under TRACE_REQUIRE_TOOLS) when path does not exist.
func NeedFile(t testing.TB, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, what+" not found at "+path)
	}
}

// Missing skips the test with reason, or fails it when TRACE_REQUIRE_TOOLS is set.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if RequireTools() {
		t.Fatalf("%s (TRACE_REQUIRE_TOOLS is set, so this is a failure)", reason)
	}
	t.Skipf("%s; install it to run this test", reason)
}
