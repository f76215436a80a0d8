package narrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrReply marks a model reply that could not be used at all.
var ErrReply = errors.New("unusable model reply")

// cmdLineRE matches a test or build command at the start of a line.
var cmdLineRE = regexp.MustCompile(`^(?:go (?:test|vet|build|run)|pytest|python3? -m pytest|npm (?:test|run \S+)|yarn test|pnpm test|cargo (?:test|build|clippy)|make(?: [\w.-]+)?|mvn test|gradle test|dotnet test|bundle exec rspec|rspec|jest|vitest|tox)\b[^\n]*`)

var fenceBlockRE = regexp.MustCompile("(?s)```[a-zA-Z0-9_-]*\\s*\\n(.*?)\\n?```")

// jsonCandidates returns the pieces of a reply that may be its JSON: fenced
// blocks first, then the outermost {...} and [...], then the whole reply.
func jsonCandidates(reply string) []string {
	var out []string
	for _, m := range fenceBlockRE.FindAllStringSubmatch(reply, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	for _, pair := range [][2]string{{"{", "}"}, {"[", "]"}} {
		i, j := strings.Index(reply, pair[0]), strings.LastIndex(reply, pair[1])
		if i >= 0 && j > i {
			out = append(out, reply[i:j+1])
		}
	}
	return append(out, strings.TrimSpace(reply))
}

// decodeLoose decodes the first candidate of reply that parses into v.
func decodeLoose(reply string, v any) bool {
	for _, c := range jsonCandidates(reply) {
		if json.Unmarshal([]byte(c), v) == nil {
			return true
		}
	}
	return false
}

var chunkMarkRE = regexp.MustCompile(`(?m)^\s*(?:\*\*)?(?:\[(\d+)\]|(?:chunk|clip)\s*#?(\d+)\s*[:.)-])(?:\*\*)?\s*`)

// ParseChunks reads a clip-narration reply: JSON {"chunks":[{"index","text"}]}
// (fenced or wrapped in prose), a JSON list or index→text object, or lines
// marked [i]. It returns the text of each index in [0, n) it found, and the
// indexes it did not. Indexes outside the range are ignored. A reply with
// none of these shapes counts as the whole narration when n is 1.
func ParseChunks(reply string, indexes []int) (map[int]string, []int) {
	want := map[int]bool{}
	for _, i := range indexes {
		want[i] = true
	}
	got := map[int]string{}
	put := func(i int, t string) {
		if t = cleanNarration(t); want[i] && t != "" {
			got[i] = t
		}
	}

	type chunk struct {
		Index *int   `json:"index"`
		Text  string `json:"text"`
	}
	var obj struct {
		Chunks []chunk `json:"chunks"`
	}
	var list []chunk
	var strs []string
	var byKey map[string]string
	switch {
	case decodeLoose(reply, &obj) && len(obj.Chunks) > 0:
		list = obj.Chunks
	case decodeLoose(reply, &list) && len(list) > 0:
	case decodeLoose(reply, &strs) && len(strs) > 0:
		for k, s := range strs {
			if k < len(indexes) {
				put(indexes[k], s)
			}
		}
	case decodeLoose(reply, &byKey) && len(byKey) > 0:
		for k, s := range byKey {
			if i, err := strconv.Atoi(k); err == nil {
				put(i, s)
			}
		}
	default:
		marks := chunkMarkRE.FindAllStringSubmatchIndex(reply, -1)
		for m, loc := range marks {
			num := reply[loc[2]:loc[3]]
			if loc[2] < 0 {
				num = reply[loc[4]:loc[5]]
			}
			end := len(reply)
			if m+1 < len(marks) {
				end = marks[m+1][0]
			}
			if i, err := strconv.Atoi(num); err == nil {
				put(i, reply[loc[1]:end])
			}
		}
		if len(marks) == 0 && len(indexes) == 1 {
			put(indexes[0], reply)
		}
	}
	for k, c := range list {
		i := k
		if c.Index != nil {
			i = *c.Index
		} else if k < len(indexes) {
			i = indexes[k]
		}
		put(i, c.Text)
	}
	var missing []int
	for _, i := range indexes {
		if _, ok := got[i]; !ok {
			missing = append(missing, i)
		}
	}
	sort.Ints(missing)
	return got, missing
}

var labelRE = regexp.MustCompile(`(?i)^(?:narration|text|clip \d+|chunk \d+)\s*:\s*`)

// cleanNarration turns a model's narration into plain speakable text: no
// markdown emphasis, labels, wrapping quotes or line breaks.
func cleanNarration(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "`")
	s = labelRE.ReplaceAllString(s, "")
	s = strings.NewReplacer("**", "", "__", "", "#", "").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"') {
		s = s[1 : len(s)-1]
	}
	return strings.TrimSpace(s)
}

// DescriptionText is what a writer contributes to a PR description; the
// file list and diff notes are added from the diff itself.
type DescriptionText struct {
	Summary   string   `json:"summary"`
	Why       string   `json:"why,omitempty"`
	Struggles []string `json:"struggles,omitempty"`
	FollowUps []string `json:"follow_ups,omitempty"`
	TestPlan  []string `json:"test_plan,omitempty"`
	// Filled is the repository's template filled in, when one was given.
	Filled string `json:"filled,omitempty"`
}

// ParseDescription reads a description reply: the JSON object (fenced or
// inside prose; "followups" and "test plan" spellings accepted, strings
// where lists are expected split into lines) or, with a template, the
// filled template as markdown.
func ParseDescription(reply string, template bool) (DescriptionText, error) {
	if template {
		t := strings.TrimSpace(reply)
		if m := fenceBlockRE.FindStringSubmatch(t); m != nil && strings.HasPrefix(t, "```") {
			t = strings.TrimSpace(m[1])
		}
		if t == "" {
			return DescriptionText{}, fmt.Errorf("%w: the filled template is empty", ErrReply)
		}
		return DescriptionText{Filled: t}, nil
	}
	var raw map[string]json.RawMessage
	if !decodeLoose(reply, &raw) || raw == nil {
		return DescriptionText{}, fmt.Errorf("%w: no JSON object in the description reply (%q)", ErrReply, oneLine(reply, 80))
	}
	get := func(keys ...string) json.RawMessage {
		for k, v := range raw {
			nk := strings.NewReplacer("_", "", " ", "", "-", "").Replace(strings.ToLower(k))
			for _, want := range keys {
				if nk == want {
					return v
				}
			}
		}
		return nil
	}
	var d DescriptionText
	d.Summary = cleanNarration(rawString(get("summary", "oneline", "tldr")))
	d.Why = strings.TrimSpace(rawString(get("why", "reason", "motivation")))
	d.Struggles = rawList(get("struggles", "struggle", "problems"))
	d.FollowUps = rawList(get("followups", "followup", "todo", "todos"))
	d.TestPlan = rawList(get("testplan", "tests", "testing"))
	if d.Summary == "" && d.Why == "" && len(d.Struggles)+len(d.FollowUps)+len(d.TestPlan) == 0 {
		return DescriptionText{}, fmt.Errorf("%w: the description JSON has none of summary, why, struggles, follow_ups, test_plan", ErrReply)
	}
	return d, nil
}

func rawString(m json.RawMessage) string {
	if m == nil {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	var l []string
	if json.Unmarshal(m, &l) == nil {
		return strings.Join(l, " ")
	}
	return ""
}

var bulletPrefixRE = regexp.MustCompile(`^\s*(?:[-*+•]|\d+[.)])\s+(?:\[[ xX]\]\s+)?`)

func rawList(m json.RawMessage) []string {
	if m == nil {
		return nil
	}
	var l []string
	if json.Unmarshal(m, &l) != nil {
		var s string
		if json.Unmarshal(m, &s) != nil {
			return nil
		}
		l = strings.Split(s, "\n")
	}
	var out []string
	for _, x := range l {
		x = strings.TrimSpace(bulletPrefixRE.ReplaceAllString(x, ""))
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// FocusText is the writer's note on one focus file.
type FocusText struct {
	Path string `json:"path"`
	Text string `json:"text"`
}

// ParseFocus reads a focus reply ({"items":[{"path","text"}]}, a bare list,
// or a path→text object), keeping only paths that were asked about.
func ParseFocus(reply string, paths []string) (map[string]string, error) {
	ok := map[string]bool{}
	for _, p := range paths {
		ok[p] = true
	}
	out := map[string]string{}
	var obj struct {
		Items []FocusText `json:"items"`
	}
	var list []FocusText
	var byPath map[string]string
	switch {
	case decodeLoose(reply, &obj) && len(obj.Items) > 0:
		list = obj.Items
	case decodeLoose(reply, &list) && len(list) > 0:
	case decodeLoose(reply, &byPath) && len(byPath) > 0:
		for p, t := range byPath {
			list = append(list, FocusText{Path: p, Text: t})
		}
	default:
		return nil, fmt.Errorf("%w: no focus JSON in the reply (%q)", ErrReply, oneLine(reply, 80))
	}
	for _, it := range list {
		p := strings.Trim(strings.TrimSpace(it.Path), "`")
		if t := cleanNarration(it.Text); ok[p] && t != "" {
			out[p] = t
		}
	}
	return out, nil
}

var answerLabelRE = regexp.MustCompile(`(?i)^\s*\*{0,2}answer\*{0,2}\s*:\s*\*{0,2}\s*`)

// ParseAnswer reads a /trace answer reply: plain text, with any "Answer:"
// label and wrapping fence removed.
func ParseAnswer(reply string) (string, error) {
	t := strings.TrimSpace(reply)
	if m := fenceBlockRE.FindStringSubmatch(t); m != nil && strings.HasPrefix(t, "```") {
		t = strings.TrimSpace(m[1])
	}
	var obj struct {
		Answer string `json:"answer"`
	}
	if strings.HasPrefix(t, "{") && json.Unmarshal([]byte(t), &obj) == nil && obj.Answer != "" {
		t = obj.Answer
	}
	t = strings.TrimSpace(answerLabelRE.ReplaceAllString(t, ""))
	if t == "" {
		return "", fmt.Errorf("%w: the answer is empty", ErrReply)
	}
	return t, nil
}
