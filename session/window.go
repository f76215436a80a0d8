package session

import "time"

// Window returns the session's time window in wall-clock time: the epoch
// (the first recorded frame; the creation time while it is unknown) and the
// end (the epoch plus the recording's length, else the stop time, else zero
// while it still records). Agent logs and other outside events are placed on
// the session's time base by it.
func (s *Session) Window() (epoch, end time.Time) {
	epoch = s.Meta.Epoch
	if epoch.IsZero() {
		epoch = s.Meta.CreatedAt
	}
	switch {
	case s.Meta.Length > 0:
		end = epoch.Add(s.Meta.Length)
	case !s.Meta.StoppedAt.IsZero():
		end = s.Meta.StoppedAt
	}
	return epoch, end
}
