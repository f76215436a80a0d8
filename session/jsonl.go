package session

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// AppendJSONL appends v as one line to the file at path, creating it 0600.
// The line is written with a single write call and synced, so a crash leaves
// at most one torn last line, which ReadJSONL skips.
func AppendJSONL(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode line for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	defer f.Close()
	// A torn last line from an earlier crash must not swallow this record:
	// start on a fresh line if the file does not end in one.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		var last [1]byte
		if r, err := os.Open(path); err == nil {
			if _, err := r.ReadAt(last[:], st.Size()-1); err == nil && last[0] != '\n' {
				b = append([]byte{'\n'}, b...)
			}
			r.Close()
		}
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	return f.Sync()
}

// JSONLStats says what ReadJSONL had to skip.
type JSONLStats struct {
	Lines   int // non-empty lines seen
	Skipped int // lines that were not valid JSON for the type (torn or garbage)
}

// ReadJSONL reads a JSON-lines file. Lines that do not decode (a torn last
// line after a crash, garbage, a bare null) are skipped and counted, never
// fatal. A
// missing file is an empty result.
func ReadJSONL[T any](path string) ([]T, JSONLStats, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, JSONLStats{}, nil
		}
		return nil, JSONLStats{}, err
	}
	defer f.Close()
	return DecodeJSONL[T](f)
}

// DecodeJSONL is ReadJSONL over a reader.
func DecodeJSONL[T any](r io.Reader) ([]T, JSONLStats, error) {
	var out []T
	var st JSONLStats
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			st.Lines++
			var v T
			if bytes.Equal(trimmed, []byte("null")) {
				st.Skipped++ // decodes without error, but is no record
			} else if jerr := json.Unmarshal(line, &v); jerr != nil {
				st.Skipped++
			} else {
				out = append(out, v)
			}
		}
		if err == io.EOF {
			return out, st, nil
		}
		if err != nil {
			return out, st, err
		}
	}
}
