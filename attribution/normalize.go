package attribution

import (
	"strconv"
	"strings"
	"unicode"
)

// normalize reduces a line to what survives a formatter: no whitespace at
// all, no trailing commas or semicolons. A notebook's JSON-quoted source
// line ("x = 1\n",) is unquoted first.
func normalize(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, `"`) {
		q := strings.TrimSuffix(t, ",")
		if u, err := strconv.Unquote(q); err == nil {
			t = strings.TrimSuffix(u, "\n")
		}
	}
	var b strings.Builder
	b.Grow(len(t))
	for _, r := range t {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), ",;")
}

// trivial reports whether a normalized line carries too little to be matched
// on its own ("}", ")", "", "end").
func trivial(norm string) bool { return len(norm) < 4 }

// similarity is a Dice coefficient over character bigrams of two normalized
// lines, in [0, 1].
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) < 2 || len(b) < 2 {
		return 0
	}
	counts := make(map[uint16]int, len(a))
	for i := 0; i+1 < len(a); i++ {
		counts[uint16(a[i])<<8|uint16(a[i+1])]++
	}
	inter := 0
	for i := 0; i+1 < len(b); i++ {
		k := uint16(b[i])<<8 | uint16(b[i+1])
		if counts[k] > 0 {
			counts[k]--
			inter++
		}
	}
	return 2 * float64(inter) / float64(len(a)-1+len(b)-1)
}
