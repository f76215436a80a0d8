package ghpr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePR(t *testing.T) {
	gh := func(n int) PR { return PR{Owner: "tracepr", Repo: "trace", Number: n} }
	ghe := PR{Host: "git.corp.example", Owner: "team", Repo: "svc.api", Number: 7}
	tests := []struct {
		in   string
		want PR
	}{
		{"https://github.com/tracepr/trace/pull/12", gh(12)},
		{"https://github.com/tracepr/trace/pull/12/", gh(12)},
		{"https://github.com/tracepr/trace/pull/12/files", gh(12)},
		{"https://github.com/tracepr/trace/pull/12/files#diff-abc", gh(12)},
		{"https://github.com/tracepr/trace/pull/12/commits/abc123", gh(12)},
		{"https://github.com/tracepr/trace/pull/12?w=1", gh(12)},
		{"https://github.com/tracepr/trace/pull/12#issuecomment-99", gh(12)},
		{"http://www.github.com/tracepr/trace/pull/12", gh(12)},
		{"  github.com/tracepr/trace/pull/12\n", gh(12)},
		{"https://api.github.com/repos/tracepr/trace/pulls/12", gh(12)},
		{"tracepr/trace#12", gh(12)},
		{"github.com/tracepr/trace#12", gh(12)},
		{"https://git.corp.example/team/svc.api/pull/7", ghe},
		{"https://GIT.corp.example/team/svc.api/pull/7/files", ghe},
		{"https://git.corp.example/api/v3/repos/team/svc.api/pulls/7", ghe},
		{"git.corp.example/team/svc.api#7", ghe},
		{"https://github.com/tracepr/trace.git/pull/3", gh(3)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePR(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			// What String and URL write reads back as the same PR.
			again, err := ParsePR(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again)
			again, err = ParsePR(got.URL())
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestParsePRErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"12",
		"tracepr/trace",
		"tracepr/trace#",
		"tracepr/trace#0",
		"tracepr/trace#-3",
		"tracepr/trace#012",
		"tracepr/trace#99999999999",
		"https://github.com/tracepr/trace",
		"https://github.com/tracepr/trace/issues/12",
		"https://github.com/tracepr/trace/pull/abc",
		"https://github.com/tracepr/trace/pull/",
		"ftp://github.com/tracepr/trace/pull/1",
		"https://user:pw@github.com/tracepr/trace/pull/1",
		"https://github.com/trace pr/trace/pull/1",
		"https://github.com/-bad/trace/pull/1",
		"https://github.com/tracepr/../pull/1",
		"a/b/c/d#1",
		"nodot/o/r#1",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePR(in)
			require.ErrorIs(t, err, ErrPRRef)
			assert.Contains(t, err.Error(), "OWNER/REPO#N", "the error lists the accepted forms")
			assert.Contains(t, err.Error(), "not a pull request reference")
		})
	}
}

func TestPRSame(t *testing.T) {
	a := PR{Owner: "TracePR", Repo: "Trace", Number: 1}
	assert.True(t, a.Same(PR{Host: "github.com", Owner: "tracepr", Repo: "trace", Number: 1}))
	assert.False(t, a.Same(PR{Host: "ghe.example", Owner: "tracepr", Repo: "trace", Number: 1}))
	assert.False(t, a.Same(PR{Owner: "tracepr", Repo: "trace", Number: 2}))
}

func FuzzParsePR(f *testing.F) {
	for _, s := range []string{"https://github.com/o/r/pull/1/files?x=1#y", "o/r#2", "ghe.example/o/r#3", "https://api.github.com/repos/o/r/pulls/4", "https://h.example/api/v3/repos/o/r/pulls/5", "%zz", "http://[::1]/o/r/pull/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pr, err := ParsePR(s)
		if err != nil {
			return
		}
		if pr.Number <= 0 || !validOwner(pr.Owner) || !validRepo(pr.Repo) {
			t.Fatalf("ParsePR(%q) accepted an invalid reference %+v", s, pr)
		}
		again, err := ParsePR(pr.URL())
		if err != nil || again != pr {
			t.Fatalf("ParsePR(%q) = %+v, but its URL %q reads back as %+v, %v", s, pr, pr.URL(), again, err)
		}
	})
}
