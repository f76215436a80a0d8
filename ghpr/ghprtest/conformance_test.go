package ghprtest_test

import (
	"testing"

	"github.com/tracepr/trace/ghpr/ghprtest"
)

func TestMemSinkConformance(t *testing.T) { ghprtest.TestPRSink(t, ghprtest.MemHarness) }

func TestGitHubSinkConformance(t *testing.T) { ghprtest.TestPRSink(t, ghprtest.ServerHarness) }
