package videodb

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// ScenePrompt asks the vision model to classify each scene as JSON that
// ParseSceneDescription reads.
const ScenePrompt = `You see frames from a developer's screen recording. Classify what the screen shows.
Reply with JSON only, no prose, exactly this shape:
{"label": one of "editor", "terminal", "browser_docs", "ai_assistant", "other",
 "files": [file names visible on screen],
 "functions": [function or method names visible],
 "errors": [error messages visible, verbatim, short],
 "summary": "one sentence on what the developer is doing"}
Use empty lists when nothing is visible. Never invent names that are not on screen.`

var (
	fenceRe = regexp.MustCompile("(?s)```[a-zA-Z]*\\s*(.*?)```")
	labelRe = regexp.MustCompile(`(?i)"?label"?\s*[:=]\s*"?([A-Za-z_ /-]+)`)
)

// ParseSceneDescription reads a scene description written by the vision
// model for ScenePrompt. It tolerates code fences, prose around the JSON,
// lists given as strings and keys in any case. When no JSON object can be
// read, the text is kept in RawText and the label is salvaged when it
// appears. The result carries no span. All text is redacted.
func ParseSceneDescription(desc string) session.Scene {
	desc = redact.String(desc)
	var sc session.Scene
	obj, ok := sceneJSON(desc)
	if !ok {
		sc.Label = session.LabelOther
		if m := labelRe.FindStringSubmatch(desc); m != nil {
			sc.Label = session.ParseSceneLabel(strings.TrimSpace(m[1]))
		}
		sc.RawText = strings.TrimSpace(desc)
		return sc
	}
	get := func(key string) any {
		for k, v := range obj {
			if strings.EqualFold(k, key) {
				return v
			}
		}
		return nil
	}
	label, _ := get("label").(string)
	sc.Label = session.ParseSceneLabel(strings.TrimSpace(label))
	sc.Files = stringList(get("files"))
	sc.Functions = stringList(get("functions"))
	sc.Errors = stringList(get("errors"))
	if s, ok := get("summary").(string); ok {
		sc.Summary = strings.TrimSpace(s)
	}
	return sc
}

// sceneJSON finds the JSON object in a description: inside a code fence,
// or from the first '{' to its matching '}'.
func sceneJSON(desc string) (map[string]any, bool) {
	candidates := []string{}
	for _, m := range fenceRe.FindAllStringSubmatch(desc, -1) {
		candidates = append(candidates, m[1])
	}
	candidates = append(candidates, desc)
	for _, c := range candidates {
		for i := strings.IndexByte(c, '{'); i >= 0; {
			if obj, ok := objectAt(c[i:]); ok {
				return obj, true
			}
			j := strings.IndexByte(c[i+1:], '{')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return nil, false
}

func objectAt(s string) (map[string]any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// stringList reads a list of strings, a single string (comma separated),
// or anything else as nothing.
func stringList(v any) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				add(s)
			}
		}
	case string:
		for _, s := range strings.Split(x, ",") {
			add(s)
		}
	}
	return out
}
