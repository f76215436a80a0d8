package videodb

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrNoAPIKey means no key was given and neither VIDEO_DB_API_KEY nor
	// VIDEODB_API_KEY is set.
	ErrNoAPIKey = errors.New("no VideoDB API key: set VIDEO_DB_API_KEY (or VIDEODB_API_KEY) to a key from https://console.videodb.io")
	// ErrMalformed means the server answered with a body that is not the
	// JSON envelope the API documents (truncated, HTML, garbage).
	ErrMalformed = errors.New("malformed VideoDB response")
	// ErrAccepted is wrapped by *AcceptedError: the server took a request
	// that carried a callback URL and will POST the result there.
	ErrAccepted = errors.New("accepted: the result will be posted to the callback URL")
	// ErrTimeout is wrapped by *TimeoutError.
	ErrTimeout = errors.New("VideoDB job timed out")
	// ErrNoResults is wrapped by errors whose message says "No results
	// found". Search methods turn it into an empty result.
	ErrNoResults = errors.New("no results found")
)

// AuthError is a 401: the API key is missing, wrong or revoked.
type AuthError struct {
	Message string // the server's message
}

func (e *AuthError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "unauthorized"
	}
	return fmt.Sprintf("VideoDB refused the API key (%s): set VIDEO_DB_API_KEY (or VIDEODB_API_KEY) to a valid key from https://console.videodb.io", msg)
}

// RequestError is any other failure the server reported: a non-2xx status
// or a 200 answer with "success": false (Status is then 200), or a job that
// finished as failed.
type RequestError struct {
	Method  string
	Path    string
	Status  int    // HTTP status; 200 for success:false bodies and failed jobs
	Message string // the server's message, or the start of a non-JSON body
	Code    string // error_code, when the server sends one
	Job     string // the job id when the failure came from an async job
}

func (e *RequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "VideoDB %s %s", e.Method, e.Path)
	if e.Job != "" {
		fmt.Fprintf(&b, " (job %s)", e.Job)
	}
	fmt.Fprintf(&b, " failed: %d", e.Status)
	if e.Message != "" {
		fmt.Fprintf(&b, " %s", e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString(": ")
		b.WriteString(hint)
	}
	return b.String()
}

func (e *RequestError) hint() string {
	switch {
	case e.Status == 402:
		return "the account is out of credits; top up at https://console.videodb.io"
	case e.Status == 403:
		return "this feature needs a plan that includes it"
	case e.Status == 404 && !e.noResults():
		return "check the id; it may have been deleted"
	case e.Status == 429:
		return "rate limited; wait and try again"
	case e.Status >= 500:
		return "VideoDB is having trouble; try again later"
	}
	return ""
}

func (e *RequestError) noResults() bool {
	return strings.Contains(strings.ToLower(e.Message), "no results found")
}

// Is makes errors.Is(err, ErrNoResults) true for "No results found".
func (e *RequestError) Is(target error) bool {
	return target == ErrNoResults && e.noResults()
}

// TimeoutError says a job did not finish within the poll timeout.
type TimeoutError struct {
	Job   string        // the job id (or the poll URL when the id is unknown)
	After time.Duration // how long the client polled
	What  string        // what the job was doing ("POST video/m-1/index")
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("VideoDB job %s (%s) still processing after %s: raise the poll timeout or check the job later", e.Job, e.What, e.After)
}

// Unwrap makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Unwrap() error { return ErrTimeout }

// AcceptedError is returned when a request carried a callback URL and the
// server answered that it will deliver the result there. It is not a
// failure: Job names the accepted work.
type AcceptedError struct {
	Job Job
}

func (e *AcceptedError) Error() string {
	return fmt.Sprintf("VideoDB job %s accepted: the result will be posted to the callback URL", e.Job.ID)
}

// Unwrap makes errors.Is(err, ErrAccepted) true.
func (e *AcceptedError) Unwrap() error { return ErrAccepted }

// IsNoResults reports whether err is the server's "No results found".
func IsNoResults(err error) bool { return errors.Is(err, ErrNoResults) }
