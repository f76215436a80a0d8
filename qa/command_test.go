package qa

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
		want Command
	}{
		{"/trace why the retry?", true, Command{Question: "why the retry?"}},
		{"/TRACE Why?", true, Command{Question: "Why?"}},
		{"  /trace: what broke?", true, Command{Question: "what broke?"}},
		{"LGTM\n\n/trace why was the timeout raised\nto 30s?", true, Command{Question: "why was the timeout raised\nto 30s?"}},
		{"/trace", true, Command{Help: true}},
		{"/trace   ", true, Command{Help: true}},
		{"/trace help", true, Command{Help: true}},
		{"/trace Help", true, Command{Help: true}},
		{"/tracer why", false, Command{}},
		{"see /trace why", false, Command{}},
		{"> /trace why?\n\nI agree", false, Command{}},
		{"```\n/trace why\n```", false, Command{}},
		{"", false, Command{}},
		{"/trace why\r\nnow", true, Command{Question: "why\nnow"}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			got, ok := ParseCommand(tt.body)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseCommandBoundsTheQuestion(t *testing.T) {
	c, ok := ParseCommand("/trace " + strings.Repeat("é", 2000))
	assert.True(t, ok)
	assert.LessOrEqual(t, len(c.Question), MaxQuestion)
	assert.True(t, strings.HasSuffix(c.Question, "é"), "not cut inside a character")
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/trace why?", "```\n/trace x\n", "> /trace", "/trace help", "/trace\u00a0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c, ok := ParseCommand(body)
		if !ok && (c.Help || c.Question != "") {
			t.Fatalf("no command but %+v", c)
		}
		if ok && c.Help == (c.Question != "") {
			t.Fatalf("a command is help or a question: %+v", c)
		}
		if len(c.Question) > MaxQuestion {
			t.Fatalf("question of %d bytes", len(c.Question))
		}
	})
}
