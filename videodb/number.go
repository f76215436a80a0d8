package videodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Number is a JSON number the API sometimes sends as a string: "length"
// and "size" arrive as "191.146667" in upload payloads and as 191.1
// elsewhere. It decodes either form (and null or "" as zero) and encodes
// as a plain JSON number.
type Number float64

// UnmarshalJSON accepts a number, a numeric string, null or "".
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return fmt.Errorf("videodb: number %s: %w", s, err)
		}
		s = strings.TrimSpace(str)
		if s == "" {
			*n = 0
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("videodb: %q is not a number", s)
	}
	*n = Number(f)
	return nil
}

// Float64 returns the value.
func (n Number) Float64() float64 { return float64(n) }

// Int64 returns the value truncated to an integer (sizes in bytes).
func (n Number) Int64() int64 { return int64(n) }

// Duration reads the value as seconds.
func (n Number) Duration() time.Duration {
	return session.FromSeconds(float64(n))
}
