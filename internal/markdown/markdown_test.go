package markdown

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarker(t *testing.T) {
	m := Marker("walkthrough", "20240501-abc")
	assert.Equal(t, "<!-- trace:walkthrough:20240501-abc -->", m)
	kind, id, ok := ParseMarker("  " + m + "\n")
	require.True(t, ok)
	assert.Equal(t, "walkthrough", kind)
	assert.Equal(t, "20240501-abc", id)
	for _, bad := range []string{"<!-- trace:x -->", "<!-- other:a:b -->", "text " + m, ""} {
		_, _, ok := ParseMarker(bad)
		assert.False(t, ok, bad)
	}
}

func TestTruncateUnchangedWhenItFits(t *testing.T) {
	body := Marker("focus", "s1") + "\nshort body\n"
	assert.Equal(t, body, Truncate(body, 1000, ""))
	assert.Equal(t, body, Truncate(body, 0, ""), "limit 0 means MaxBody")
}

// checkWellFormed asserts the properties every cut body has.
func checkWellFormed(t *testing.T, orig, got string, limit int) {
	t.Helper()
	assert.LessOrEqual(t, Len(got), limit, "over the limit")
	fences := 0
	for _, ln := range strings.Split(got, "\n") {
		if strings.HasPrefix(ln, "```") {
			fences++
		}
	}
	assert.Equal(t, 0, fences%2, "a code fence is left open:\n%s", got)
	assert.Equal(t, strings.Count(got, "<!--"), strings.Count(got, "-->"), "an HTML comment is left open")
	// Every link-looking piece of the result is a whole link of the original.
	for _, l := range regexp.MustCompile(`\]\([^)]*\)?`).FindAllString(got, -1) {
		assert.True(t, strings.HasSuffix(l, ")"), "cut mid-link: %q", l)
		assert.Contains(t, orig, l)
	}
}

func TestTruncate(t *testing.T) {
	marker := Marker("walkthrough", "s1")
	para := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "Step %d changed [session/store.go](https://example.test/blob/main/session/store.go#L%d) and `Store.Open`.\n", i, i)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		body  string
		limit int
		want  []string // substrings the result must contain
		not   []string // substrings it must not contain
	}{
		{
			name:  "lines of links",
			body:  marker + "\n" + para(100),
			limit: 2000,
			want:  []string{marker, DefaultNote, "Step 0 "},
			not:   []string{"Step 99"},
		},
		{
			name:  "marker at the end is kept below the note",
			body:  para(100) + "\n" + marker + "\n",
			limit: 1500,
			want:  []string{DefaultNote + "\n" + marker},
		},
		{
			name:  "cut before a fence rather than inside it",
			body:  marker + "\n" + para(10) + "\n```go\n" + strings.Repeat("x := 1\n", 40) + "```\nafter\n",
			limit: 1150,
			want:  []string{"Step 9 "},
			not:   []string{"```go", "after"},
		},
		{
			name:  "a fence that fills the body is cut and closed",
			body:  marker + "\nintro\n~~~~diff\n" + strings.Repeat("+ added line\n", 400) + "~~~~\n",
			limit: 1200,
			want:  []string{"~~~~diff", "+ added line\n~~~~"},
		},
		{
			name:  "multi-line HTML comment is never cut",
			body:  marker + "\n" + para(3) + "<!--\n" + strings.Repeat("hidden\n", 300) + "-->\n" + para(5),
			limit: 1000,
			want:  []string{"Step 2 "},
			not:   []string{"hidden"},
		},
		{
			name:  "one long paragraph is cut at a space outside links",
			body:  marker + "\n" + strings.Repeat("word [a link with spaces](https://example.test/a b) ", 200),
			limit: 700,
			want:  []string{"…", marker},
		},
		{
			name:  "open details are closed",
			body:  marker + "\n<details><summary>Chapters</summary>\n\n" + para(50) + "</details>\n",
			limit: 1200,
			want:  []string{"</details>\n\n" + DefaultNote},
		},
		{
			name:  "custom note",
			body:  para(50),
			limit: 600,
			want:  []string{"\n\n_see the report page_\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			note := ""
			if tt.name == "custom note" {
				note = "_see the report page_"
			}
			got := Truncate(tt.body, tt.limit, note)
			checkWellFormed(t, tt.body, got, tt.limit)
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, got, n)
			}
		})
	}
}

func TestTruncateMarkersAlwaysKept(t *testing.T) {
	m := Marker("description", "s")
	got := Truncate(m+"\n"+strings.Repeat("a ", 100), 50, "")
	assert.True(t, strings.HasPrefix(got, m))
	assert.LessOrEqual(t, Len(got), 50)

	// Even when the markers alone exceed the limit they stay.
	got = Truncate(m+"\n"+strings.Repeat("a ", 100), 10, "")
	assert.Contains(t, got, m)
}

func TestTruncateCountsCharacters(t *testing.T) {
	body := strings.Repeat("é ü ", 300) // 2 bytes per letter
	got := Truncate(body, 500, "cut")
	assert.LessOrEqual(t, Len(got), 500)
	assert.Greater(t, len(got), 500, "limit counts characters, not bytes")
}

func FuzzTruncate(f *testing.F) {
	f.Add(Marker("walkthrough", "s")+"\n[link](http://x.test/a b)\n```\ncode\n```\n<!--\nc\n-->\ntext text", 40)
	f.Add("a\n~~~\nb\n~~~\n<details>\n\n| a | b |\n", 12)
	f.Fuzz(func(t *testing.T, body string, limit int) {
		if limit < 0 || limit > 1<<16 {
			return
		}
		got := Truncate(body, limit, "cut")
		if limit == 0 {
			limit = MaxBody
		}
		var markers []string
		for _, ln := range strings.Split(body, "\n") {
			if _, _, ok := ParseMarker(ln); ok {
				markers = append(markers, strings.TrimSpace(ln))
			}
		}
		for _, m := range markers {
			if !strings.Contains(got, m) {
				t.Fatalf("marker %q lost", m)
			}
		}
		if Len(got) > limit && Len(strings.Join(markers, "\n")) < limit-10 {
			t.Fatalf("result has %d characters, limit %d", Len(got), limit)
		}
	})
}
