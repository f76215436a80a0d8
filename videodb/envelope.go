package videodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// envelope is every JSON body the API answers with (§1.3 of the reference):
//
//	{"success":true,"data":…,"message":"…"}                         sync
//	{"success":false,"message":"…","error_code":"…"}                 failure
//	{"success":true,"status":"processing","request_type":"sync",
//	 "data":{"id":"job-1","output_url":"…"}}                         async start
//	{"status":"done","response":{"success":true,"data":…}}           finished job
type envelope struct {
	Success     *bool           `json:"success"`
	Status      string          `json:"status"`
	RequestType string          `json:"request_type"`
	Message     string          `json:"message"`
	ErrorCode   string          `json:"error_code"`
	Data        json.RawMessage `json:"data"`
	Response    json.RawMessage `json:"response"`
}

// pending reports whether the status means "keep polling". Only
// "processing" and "in progress" do; "done", "completed" and "failed" do not.
func (e *envelope) pending() bool {
	s := strings.ToLower(strings.TrimSpace(e.Status))
	return s == "processing" || s == "in progress"
}

// failed reports whether the body says the call or job failed.
func (e *envelope) failed() bool {
	if e.Success != nil {
		return !*e.Success
	}
	return strings.EqualFold(e.Status, "failed") || strings.EqualFold(e.Status, "error")
}

// asyncStart is the data of an async-start envelope.
type asyncStart struct {
	ID         string `json:"id"`
	OutputURL  string `json:"output_url"`
	Percentage Number `json:"percentage"`
}

// decodeEnvelope parses a response body. A body that is not a JSON object
// is an error wrapping ErrMalformed, with the start of the body quoted.
func decodeEnvelope(b []byte) (*envelope, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: expected a JSON object, got %s", ErrMalformed, snippet(t))
	}
	var e envelope
	if err := json.Unmarshal(t, &e); err != nil {
		return nil, fmt.Errorf("%w (%v): %s", ErrMalformed, err, snippet(t))
	}
	return &e, nil
}

// unwrapFinal applies the finished-job rule: take body.response when it is
// present, the whole body otherwise.
func unwrapFinal(e *envelope) (*envelope, error) {
	r := bytes.TrimSpace(e.Response)
	if len(r) == 0 || bytes.Equal(r, []byte("null")) {
		return e, nil
	}
	inner, err := decodeEnvelope(r)
	if err != nil {
		return nil, err
	}
	if inner.Status == "" {
		inner.Status = e.Status
	}
	return inner, nil
}

// snippet quotes the start of a body for an error message.
func snippet(b []byte) string {
	const max = 120
	s := strings.Join(strings.Fields(string(b)), " ")
	if s == "" {
		return "an empty body"
	}
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// messageOf extracts a human message from an error body: the envelope's
// message when it is JSON, the start of the text otherwise (HTML from a
// gateway).
func messageOf(b []byte) (msg, code string) {
	if e, err := decodeEnvelope(b); err == nil {
		if e.Message != "" || e.ErrorCode != "" {
			return e.Message, e.ErrorCode
		}
		var detail struct {
			Detail any    `json:"detail"`
			Error  string `json:"error"`
		}
		if json.Unmarshal(b, &detail) == nil {
			if detail.Error != "" {
				return detail.Error, ""
			}
			if detail.Detail != nil {
				return fmt.Sprint(detail.Detail), ""
			}
		}
	}
	t := bytes.TrimSpace(b)
	if bytes.HasPrefix(t, []byte("<")) {
		// An HTML page from a proxy: its <title> says most.
		s := string(t)
		if i := strings.Index(strings.ToLower(s), "<title>"); i >= 0 {
			rest := s[i+7:]
			if j := strings.Index(strings.ToLower(rest), "</title>"); j >= 0 {
				return "non-JSON body: " + strings.TrimSpace(rest[:j]), ""
			}
		}
		return "non-JSON body: " + snippet(t), ""
	}
	if len(t) == 0 {
		return "", ""
	}
	return snippet(t), ""
}
