package testutil_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracepr/trace/internal/testutil"
)

func TestRequireTools(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "yes": true} {
		t.Setenv("TRACE_REQUIRE_TOOLS", v)
		assert.Equal(t, want, testutil.RequireTools(), "TRACE_REQUIRE_TOOLS=%q", v)
	}
}

func TestNeedToolSkips(t *testing.T) {
	t.Setenv("TRACE_REQUIRE_TOOLS", "")
	ran := false
	t.Run("missing", func(t *testing.T) {
		testutil.NeedTool(t, "no-such-tool-xyz")
		ran = true
	})
	assert.False(t, ran, "the subtest stopped at NeedTool")
}
