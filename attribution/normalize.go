package attribution

import (
	"slices"
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
	return dice(bigrams(a), bigrams(b))
}

// bigrams returns the sorted character bigrams of s.
func bigrams(s string) []uint16 {
	if len(s) < 2 {
		return nil
	}
	out := make([]uint16, len(s)-1)
	for i := 0; i+1 < len(s); i++ {
		out[i] = uint16(s[i])<<8 | uint16(s[i+1])
	}
	slices.Sort(out)
	return out
}

// dice is the Dice coefficient of two sorted bigram multisets.
func dice(a, b []uint16) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(inter) / float64(len(a)+len(b))
}
