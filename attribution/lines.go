package attribution

import (
	"bufio"
	"bytes"
	"io"
	"sort"
	"strings"
)

// maxLine bounds one log line. Longer lines (a Write of a huge generated
// file) are skipped and counted as malformed, so memory stays bounded.
const maxLine = 64 << 20

// lineReader reads newline-separated records with bounded memory.
type lineReader struct {
	br    *bufio.Reader
	buf   []byte
	n     int   // line number of the last line returned
	bytes int64 // bytes consumed
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 256<<10)}
}

// next returns the next non-empty line without its newline. complete is
// false for a last line with no newline after it; tooLong is true for a line
// over maxLine (its content is not returned). err is io.EOF at the end.
func (lr *lineReader) next() (line []byte, complete, tooLong bool, err error) {
	for {
		lr.buf = lr.buf[:0]
		tooLong = false
		for {
			chunk, e := lr.br.ReadSlice('\n')
			lr.bytes += int64(len(chunk))
			if !tooLong {
				if len(lr.buf)+len(chunk) > maxLine {
					tooLong = true
					lr.buf = lr.buf[:0]
				} else {
					lr.buf = append(lr.buf, chunk...)
				}
			}
			if e == bufio.ErrBufferFull {
				continue
			}
			if e != nil && e != io.EOF {
				return nil, false, false, e
			}
			complete = e == nil
			lr.n++
			line = bytes.TrimSpace(lr.buf)
			if len(line) == 0 && !tooLong {
				if e == io.EOF {
					return nil, false, false, io.EOF
				}
				break // empty line: read the next one
			}
			return line, complete, tooLong, nil
		}
	}
}

// splitLines splits text into lines without their newlines; a final newline
// does not make an extra empty line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	return strings.Split(s, "\n")
}

// producedLines returns the lines of newText that oldText did not already
// have (a multiset difference: a line counts once per extra occurrence).
// It is how an edit without a recorded patch is turned into the lines it
// wrote; the order of newText is kept.
func producedLines(oldText, newText string) []string {
	have := map[string]int{}
	for _, l := range splitLines(oldText) {
		have[l]++
	}
	var out []string
	for _, l := range splitLines(newText) {
		if have[l] > 0 {
			have[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

// patchLines returns the added lines of unified-diff-style hunk lines
// (" ctx", "-old", "+new"), skipping file headers before the first hunk
// when withHeaders is set.
func patchLines(lines []string, withHeaders bool) []string {
	var out []string
	inHunk := !withHeaders
	for _, l := range lines {
		if strings.HasPrefix(l, "@@") {
			inHunk = true
			continue
		}
		if !inHunk {
			continue
		}
		if strings.HasPrefix(l, "+") {
			out = append(out, l[1:])
		}
	}
	return out
}

func sortEdits(edits []Edit) {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].At.Before(edits[j].At) })
}
