package session_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tracepr/trace/session"
)

func TestWindow(t *testing.T) {
	created := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	epoch := created.Add(3 * time.Second)
	stopped := epoch.Add(70 * time.Second)
	cases := []struct {
		name               string
		meta               session.Metadata
		wantStart, wantEnd time.Time
	}{
		{"recording, no frame yet", session.Metadata{CreatedAt: created}, created, time.Time{}},
		{"first frame known", session.Metadata{CreatedAt: created, Epoch: epoch}, epoch, time.Time{}},
		{"stopped, length unknown", session.Metadata{CreatedAt: created, Epoch: epoch, StoppedAt: stopped}, epoch, stopped},
		{"the recording's length wins", session.Metadata{CreatedAt: created, Epoch: epoch, StoppedAt: stopped, Length: time.Minute}, epoch, epoch.Add(time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &session.Session{Meta: c.meta}
			start, end := s.Window()
			assert.Equal(t, c.wantStart, start)
			assert.Equal(t, c.wantEnd, end)
		})
	}
}
