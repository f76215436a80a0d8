package markdown

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTable(t *testing.T) {
	got := Table([]string{"File", "Lines"}, []Align{AlignLeft, AlignRight}, [][]string{
		{"a|b.go", "12"},
		{"multi\nline"},
	})
	assert.Equal(t, "| File | Lines |\n| :--- | ---: |\n| a\\|b.go | 12 |\n| multi<br>line |  |\n", got)
	assert.Empty(t, Table(nil, nil, nil))
}

func TestCodeAndLink(t *testing.T) {
	assert.Equal(t, "`Store.Open`", Code("Store.Open"))
	assert.Equal(t, "``a`b``", Code("a`b"))
	assert.Equal(t, "`` `x ``", Code("`x"))
	assert.Equal(t, "[a \\[b\\]](https://x.test/a%20%28b%29)", Link("a [b]", "https://x.test/a (b)"))
}
