package attribution

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// AgentTraceVersion is the Agent Trace specification version Export writes.
const AgentTraceVersion = "0.1.0"

// TraceRecord is an Agent Trace "Trace Record": for each file, the line
// ranges (positions at the recorded revision) and who wrote them.
type TraceRecord struct {
	Version   string         `json:"version"`
	ID        string         `json:"id"`
	Timestamp string         `json:"timestamp"`
	VCS       *TraceVCS      `json:"vcs,omitempty"`
	Tool      *TraceTool     `json:"tool,omitempty"`
	Files     []TraceFile    `json:"files"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

// TraceVCS names the revision the line numbers refer to.
type TraceVCS struct {
	Type     string `json:"type"` // "git"
	Revision string `json:"revision"`
}

// TraceTool names the tool that wrote the record.
type TraceTool struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// TraceFile is one file's conversations.
type TraceFile struct {
	Path          string              `json:"path"`
	Conversations []TraceConversation `json:"conversations"`
}

// TraceConversation groups the ranges one contributor wrote.
type TraceConversation struct {
	URL         string         `json:"url,omitempty"`
	Contributor TraceContrib   `json:"contributor"`
	Ranges      []TraceRange   `json:"ranges"`
	Related     []TraceRelated `json:"related,omitempty"`
}

// TraceContrib is a contributor: "human", "ai", "mixed" or "unknown", and
// for AI the model as "provider/model".
type TraceContrib struct {
	Type    string `json:"type"`
	ModelID string `json:"model_id,omitempty"`
}

// TraceRange is an inclusive range of 1-based lines.
type TraceRange struct {
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	ContentHash string `json:"content_hash,omitempty"`
}

// TraceRelated links a conversation to another resource.
type TraceRelated struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// ExportOptions tune AgentTrace.
type ExportOptions struct {
	Now         time.Time // the record's timestamp (default time.Now)
	ToolVersion string    // trace's version
	// Revision is the commit the line numbers refer to (default the
	// report's Head). Without one the record has no vcs field.
	Revision string
}

// AgentTrace exports the report as an Agent Trace record. Ranges are the
// added lines at the diff's head revision; each carries a sha256 of its
// lines' text. The record id is derived from its content, so exporting the
// same report twice gives the same id.
func AgentTrace(r Report, opts ExportOptions) TraceRecord {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	rev := opts.Revision
	if rev == "" {
		rev = r.Head
	}
	rec := TraceRecord{
		Version:   AgentTraceVersion,
		Timestamp: opts.Now.UTC().Format(time.RFC3339),
		Tool:      &TraceTool{Name: "trace", Version: opts.ToolVersion},
		Files:     []TraceFile{},
	}
	if rev != "" {
		rec.VCS = &TraceVCS{Type: "git", Revision: rev}
	}
	idHash := sha256.New()
	fmt.Fprintf(idHash, "%s\x00%s\x00", r.Session, rev)
	var current *TraceFile
	convIndex := map[string]int{}
	for _, g := range ranges(r) {
		if current == nil || current.Path != g.path {
			rec.Files = append(rec.Files, TraceFile{Path: g.path})
			current = &rec.Files[len(rec.Files)-1]
			convIndex = map[string]int{}
		}
		c := contributor(g.class, g.ev)
		key := c.Type + "\x00" + c.ModelID
		if g.ev != nil {
			key += "\x00" + g.ev.Agent + "\x00" + g.ev.SessionID
		}
		i, ok := convIndex[key]
		if !ok {
			conv := TraceConversation{Contributor: c}
			if g.ev != nil && g.ev.SessionID != "" {
				conv.Related = []TraceRelated{{Type: "session", URL: g.ev.Agent + ":" + g.ev.SessionID}}
			}
			current.Conversations = append(current.Conversations, conv)
			i = len(current.Conversations) - 1
			convIndex[key] = i
		}
		h := sha256.New()
		for _, l := range g.lines {
			h.Write([]byte(l.text))
			h.Write([]byte{'\n'})
		}
		sum := hex.EncodeToString(h.Sum(nil))
		current.Conversations[i].Ranges = append(current.Conversations[i].Ranges, TraceRange{StartLine: g.from, EndLine: g.to, ContentHash: "sha256:" + sum})
		fmt.Fprintf(idHash, "%s:%d-%d:%s:%s\x00", g.path, g.from, g.to, key, sum)
	}
	rec.ID = uuidFrom(idHash.Sum(nil))
	rec.Metadata = map[string]any{
		"trace": map[string]any{
			"session": r.Session,
			"base":    r.Base,
			"totals":  r.Totals,
		},
	}
	return rec
}

// contributor maps a class and evidence to an Agent Trace contributor.
func contributor(c Class, ev *Evidence) TraceContrib {
	t := TraceContrib{Type: string(c)}
	if c == ClassAgent {
		t.Type = "ai"
	}
	if ev != nil && (c == ClassAgent || c == ClassMixed) {
		t.ModelID = modelID(ev.Agent, ev.Model)
	}
	return t
}

// modelID writes a model as "provider/model".
func modelID(agent, model string) string {
	if model == "" {
		return ""
	}
	if strings.Contains(model, "/") {
		return model
	}
	provider := map[string]string{AgentClaudeCode: "anthropic", AgentCodex: "openai", AgentGemini: "google"}[agent]
	switch {
	case strings.HasPrefix(model, "claude"):
		provider = "anthropic"
	case strings.HasPrefix(model, "gpt"), strings.HasPrefix(model, "o3"), strings.HasPrefix(model, "o4"), strings.HasPrefix(model, "codex"):
		provider = "openai"
	case strings.HasPrefix(model, "gemini"):
		provider = "google"
	}
	if provider == "" {
		return model
	}
	return provider + "/" + model
}

// uuidFrom formats the first 16 bytes of a hash as a version-8 UUID
// (RFC 9562: custom, here name-based on the record's content).
func uuidFrom(h []byte) string {
	var b [16]byte
	copy(b[:], h)
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
