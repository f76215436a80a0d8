package latency

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Dist is a delay: fixed at Median when Spread is 0, otherwise lognormal
// with that median and Spread as the sigma of its logarithm (0.3 puts
// about 95% of draws within ×0.55…×1.8 of the median).
type Dist struct {
	Median time.Duration
	Spread float64
}

// Draw returns one delay from r.
func (d Dist) Draw(r *rand.Rand) time.Duration {
	if d.Spread <= 0 || d.Median <= 0 {
		return d.Median
	}
	return time.Duration(float64(d.Median) * math.Exp(d.Spread*r.NormFloat64()))
}

// Key joins the parts that name a request for Draws.Next (route name,
// method, pattern, and whatever else sets it apart) into one key.
func Key(parts ...string) string {
	return strings.Join(parts, "\x00")
}

// Draws hands out repeatable generators: the generator for a key depends
// only on the seed, the key and how many times that key was drawn before,
// so the same requests get the same delays in every run, whatever the order
// of requests with other keys. The zero value is ready to use and safe for
// concurrent use.
type Draws struct {
	mu   sync.Mutex
	seen map[string]int
}

// Next returns the generator of the next draw for key under seed, and
// advances key's repeat count.
func (d *Draws) Next(seed uint64, key string) *rand.Rand {
	d.mu.Lock()
	if d.seen == nil {
		d.seen = map[string]int{}
	}
	n := d.seen[key]
	d.seen[key] = n + 1
	d.mu.Unlock()
	h := sha256.Sum256([]byte(key))
	return rand.New(rand.NewPCG(seed, binary.LittleEndian.Uint64(h[:8])+uint64(n)))
}

// Reset forgets the repeat counts: the next draw of every key is its first.
func (d *Draws) Reset() {
	d.mu.Lock()
	d.seen = nil
	d.mu.Unlock()
}

// Scale multiplies d by scale; a scale of 0 or less means 1.
func Scale(d time.Duration, scale float64) time.Duration {
	if scale <= 0 {
		scale = 1
	}
	return time.Duration(float64(d) * scale)
}

// Match reports whether path matches pattern segment by segment, where a
// "*" segment matches any one segment: "video/*/index" matches
// "video/m-1/index" but not "video/m-1/index/scene".
func Match(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if ps[i] != "*" && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// Log is a list of answered calls, safe for concurrent use; the zero value
// is empty and ready.
type Log[C any] struct {
	mu    sync.Mutex
	calls []C
}

// Add appends c.
func (l *Log[C]) Add(c C) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

// All returns a copy of the calls added so far, in the order they were added.
func (l *Log[C]) All() []C {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]C(nil), l.calls...)
}

// Reset empties the log.
func (l *Log[C]) Reset() {
	l.mu.Lock()
	l.calls = nil
	l.mu.Unlock()
}
