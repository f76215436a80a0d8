package videodb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// JobsService waits for asynchronous work: accepted requests (Result) and
// self-hosted model jobs (Get, Wait).
type JobsService struct{ c *Client }

// Result polls an accepted job (from an *AcceptedError) until it finishes
// and decodes its data into out.
func (s *JobsService) Result(ctx context.Context, j Job, out any) error {
	if j.OutputURL == "" {
		return fmt.Errorf("videodb: job %s has no output URL to poll: wait for its callback instead", j.ID)
	}
	data, err := s.c.wait(ctx, "job "+j.ID, j)
	if err != nil {
		return err
	}
	return s.c.decodeData(&request{method: http.MethodGet, path: j.OutputURL}, data, out)
}

// ModelJob is a job of a self-hosted model (OmniVoice speech, FLUX images).
type ModelJob struct {
	ID        string          `json:"-"`
	Type      string          `json:"job_type"` // "tts", "image"
	Status    string          `json:"status"`   // processing, done, failed
	OutputURL string          `json:"output_url,omitempty"`
	Data      json.RawMessage `json:"-"` // the asset once done
	Message   string          `json:"-"`
}

// UnmarshalJSON reads the id from job_id or id.
func (j *ModelJob) UnmarshalJSON(b []byte) error {
	type alias ModelJob
	var x struct {
		alias
		JobID string `json:"job_id"`
		ID    string `json:"id"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*j = ModelJob(x.alias)
	j.ID = x.JobID
	if j.ID == "" {
		j.ID = x.ID
	}
	return nil
}

// isJob tells a job answer from an asset: jobs have job_id or job_type.
func (j *ModelJob) isJob() bool {
	if j.ID == "" {
		return false
	}
	asset := strings.HasPrefix(j.ID, "m-") || strings.HasPrefix(j.ID, "a-") || strings.HasPrefix(j.ID, "img-")
	return j.Type != "" || !asset
}

// Get returns a model job's state once (GET job/{id}).
func (s *JobsService) Get(ctx context.Context, id string) (*ModelJob, error) {
	req := &request{method: http.MethodGet, path: "job/" + url.PathEscape(id)}
	res, err := s.c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := s.c.statusError(req, res, id); err != nil {
		return nil, err
	}
	env, err := decodeEnvelope(res.body)
	if err != nil {
		return nil, fmt.Errorf("videodb: job %s: %w", id, err)
	}
	env, err = unwrapFinal(env)
	if err != nil {
		return nil, fmt.Errorf("videodb: job %s: %w", id, err)
	}
	j := &ModelJob{ID: id, Status: strings.ToLower(env.Status), Message: env.Message, Data: env.Data}
	var inner struct {
		Status  string `json:"status"`
		JobType string `json:"job_type"`
		Output  string `json:"output_url"`
	}
	_ = json.Unmarshal(env.Data, &inner)
	j.Type, j.OutputURL = inner.JobType, inner.Output
	if j.Status == "" && inner.Status != "" {
		j.Status = strings.ToLower(inner.Status)
	}
	if j.Status == "" {
		// No status: success decides.
		j.Status = "done"
		if env.failed() {
			j.Status = "failed"
		}
	}
	if env.Success != nil && !*env.Success {
		j.Status = "failed"
	}
	return j, nil
}

// Wait polls a model job every poll interval until it is no longer
// processing. A failed job is a *RequestError naming it; a job still
// running after the poll timeout is a *TimeoutError naming it.
func (s *JobsService) Wait(ctx context.Context, id string) (*ModelJob, error) {
	start := time.Now()
	for {
		j, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		switch j.Status {
		case "processing", "in progress", "pending", "queued", "running":
		case "failed", "error":
			return nil, &RequestError{Method: http.MethodGet, Path: "job/" + id, Status: http.StatusOK, Message: j.Message, Job: id}
		default:
			return j, nil
		}
		left := s.c.pollFor - time.Since(start)
		if left <= 0 {
			return nil, &TimeoutError{Job: id, After: s.c.pollFor, What: "model job"}
		}
		if err := sleep(ctx, min(s.c.interval, left)); err != nil {
			return nil, fmt.Errorf("videodb: waiting for job %s: %w", id, err)
		}
	}
}
