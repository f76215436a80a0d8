package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitSessionPR(t *testing.T) {
	cases := []struct {
		args     []string
		sess, pr string
	}{
		{nil, "", ""},
		{[]string{"5a3c"}, "5a3c", ""},
		{[]string{"latest"}, "latest", ""},
		{[]string{"https://github.com/o/r/pull/3"}, "", "https://github.com/o/r/pull/3"},
		{[]string{"o/r#3"}, "", "o/r#3"},
		{[]string{"https://gitlab.com/o/r/merge_requests/3"}, "", "https://gitlab.com/o/r/merge_requests/3"},
		{[]string{"5a3c", "https://gitlab.com/o/r/merge_requests/3"}, "5a3c", "https://gitlab.com/o/r/merge_requests/3"},
		{[]string{"5a3c", "o/r#3"}, "5a3c", "o/r#3"},
	}
	for _, c := range cases {
		sess, pr := splitSessionPR(c.args)
		assert.Equal(t, c.sess, sess, "%q", c.args)
		assert.Equal(t, c.pr, pr, "%q", c.args)
	}

	// A malformed PR reference is reported as one, with the accepted forms.
	home := sampleHome(t)
	_, stderr, code := cli(t, home, "generate", sampleID, "https://gitlab.com/o/r/merge_requests/3")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "is not a pull request reference")
	assert.Contains(t, stderr, "OWNER/REPO#N")
}
