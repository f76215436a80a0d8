package session

import (
	"encoding/json"
	"fmt"
	"time"
)

// SchemaVersion is the metadata.json schema this package reads and writes.
// A file with a newer version is refused with an error wrapping ErrSchema.
const SchemaVersion = 1

// Status is where a session is in its life.
type Status string

// Statuses, in the order a session normally goes through them.
const (
	StatusRecording Status = "recording" // a recorder is (or was) writing
	StatusCaptured  Status = "captured"  // the recording is final and playable
	StatusIndexed   Status = "indexed"   // transcript, scenes and timeline exist
	StatusGenerated Status = "generated" // PR artefacts were produced (at least once)

	StatusCaptureFailed  Status = "capture_failed"  // the recorder died and nothing could be recovered yet
	StatusIndexFailed    Status = "index_failed"    // indexing failed; stop or index again to retry
	StatusGenerateFailed Status = "generate_failed" // generation failed; generate again to retry
)

// transitions lists, for each status, the statuses it may move to. Staying
// in the same status is always allowed (steps are idempotent).
var transitions = map[Status][]Status{
	StatusRecording:      {StatusCaptured, StatusCaptureFailed},
	StatusCaptureFailed:  {StatusCaptured, StatusRecording},
	StatusCaptured:       {StatusIndexed, StatusIndexFailed},
	StatusIndexFailed:    {StatusIndexed, StatusCaptured},
	StatusIndexed:        {StatusGenerated, StatusGenerateFailed, StatusCaptured},
	StatusGenerated:      {StatusGenerateFailed, StatusCaptured},
	StatusGenerateFailed: {StatusGenerated, StatusIndexed, StatusCaptured},
}

// CanTransition reports whether a session may move from one status to another.
func CanTransition(from, to Status) bool {
	if from == to {
		return true
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Failed reports whether the status is one of the failed states.
func (s Status) Failed() bool {
	return s == StatusCaptureFailed || s == StatusIndexFailed || s == StatusGenerateFailed
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// StepRecord says what a pipeline step produced and from which inputs, so a
// later run can skip it when the inputs are unchanged.
type StepRecord struct {
	Inputs  map[string]string `json:"inputs,omitempty"`  // name → content hash or id
	Outputs map[string]string `json:"outputs,omitempty"` // name → file in the session dir, id or URL
	At      time.Time         `json:"at"`
}

// Same reports whether the record was computed from exactly these inputs.
func (r StepRecord) Same(inputs map[string]string) bool {
	if len(r.Inputs) != len(inputs) {
		return false
	}
	for k, v := range inputs {
		if r.Inputs[k] != v {
			return false
		}
	}
	return true
}

// Metadata is the content of a session's metadata.json.
type Metadata struct {
	Schema    int       `json:"schema"`
	ID        string    `json:"id"`
	Status    Status    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	// Epoch is the wall-clock time of the first recorded frame: the zero of
	// every offset in the session. Zero until the recorder reports it.
	Epoch time.Time `json:"epoch,omitzero"`
	// Length is the recording's real duration (from the file, not from the
	// commands' times).
	Length     time.Duration         `json:"-"`
	StoppedAt  time.Time             `json:"stopped_at,omitzero"`
	ProjectDir string                `json:"project_dir,omitempty"`
	Recorder   string                `json:"recorder,omitempty"`  // which capture backend recorded
	Recording  string                `json:"recording,omitempty"` // file name of the recording in the dir
	Mic        bool                  `json:"mic"`                 // an audio stream was really recorded
	Live       bool                  `json:"live,omitempty"`
	Backend    string                `json:"backend,omitempty"` // "videodb" or "local"
	BackendIDs map[string]string     `json:"backend_ids,omitempty"`
	PRs        []string              `json:"prs,omitempty"` // PR URLs this session was published to
	Steps      map[string]StepRecord `json:"steps,omitempty"`
	Error      string                `json:"error,omitempty"` // why the last step failed
	Labels     map[string]string     `json:"labels,omitempty"`
}

type metadataAlias Metadata

type metadataWire struct {
	metadataAlias
	Length float64 `json:"length,omitempty"`
}

// MarshalJSON writes Length as float seconds.
func (m Metadata) MarshalJSON() ([]byte, error) {
	return json.Marshal(metadataWire{metadataAlias(m), Seconds(m.Length)})
}

// UnmarshalJSON reads the wire form.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	var w metadataWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Metadata(w.metadataAlias)
	m.Length = FromSeconds(w.Length)
	return nil
}

// maxLength bounds a believable recording: longer means a broken file.
const maxLength = 1000 * time.Hour

func (m *Metadata) check(path string) error {
	if m.Schema > SchemaVersion {
		return fmt.Errorf("%s has schema %d; this trace reads up to schema %d: upgrade trace: %w", path, m.Schema, SchemaVersion, ErrSchema)
	}
	if m.Schema < 1 {
		return fmt.Errorf("%s has no schema version (or an unknown one, %d): it was not written by trace; restore it or delete the session: %w", path, m.Schema, ErrSchema)
	}
	if m.ID == "" {
		return fmt.Errorf("%s has no session id: restore it or delete the session: %w", path, ErrCorrupt)
	}
	if m.Length < 0 || m.Length > maxLength {
		return fmt.Errorf("%s has a negative or out-of-range length: fix the file or delete the session: %w", path, ErrCorrupt)
	}
	if !m.Status.Valid() {
		return fmt.Errorf("%s has unknown status %q: upgrade trace or fix the file: %w", path, m.Status, ErrCorrupt)
	}
	return nil
}
