package ghpr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const reviewEvent = `{"action":"created","comment":{"id":55,"body":"/trace why this loop?","path":"upload/retry.go","line":12,"start_line":10,"in_reply_to_id":50,
"author_association":"MEMBER","user":{"login":"rev","type":"User"},"html_url":"https://ghe.corp.example/team/svc/pull/3#discussion_r55"},
"pull_request":{"number":3},"repository":{"name":"svc","html_url":"https://ghe.corp.example/team/svc","owner":{"login":"team"}}}`

const issueEvent = `{"action":"edited","issue":{"number":9,"pull_request":{"url":"x"}},"comment":{"id":7,"body":"/trace hi","author_association":"OWNER",
"user":{"login":"dep[bot]","type":"Bot"}},"repository":{"name":"api","html_url":"https://github.com/acme/api","owner":{"login":"acme"}}}`

func TestParseEvent(t *testing.T) {
	ev, ok, err := ParseEvent("pull_request_review_comment", []byte(reviewEvent))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, PR{Host: "ghe.corp.example", Owner: "team", Repo: "svc", Number: 3}, ev.PR)
	assert.Equal(t, "created", ev.Action)
	assert.Equal(t, Comment{ID: 55, Kind: ReviewComment, URL: "https://ghe.corp.example/team/svc/pull/3#discussion_r55", Author: "rev",
		Body: "/trace why this loop?", InReplyTo: 50, Path: "upload/retry.go", Line: 12, StartLine: 10, Association: "MEMBER"}, ev.Comment)

	ev, ok, err = ParseEvent("issue_comment", []byte(issueEvent))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, PR{Owner: "acme", Repo: "api", Number: 9}, ev.PR)
	assert.True(t, ev.Comment.Bot)
	assert.Equal(t, IssueComment, ev.Comment.Kind)

	// A comment on a plain issue, and other events, are not for us.
	plain := strings.Replace(issueEvent, `"pull_request":{"url":"x"}`, `"title":"bug"`, 1)
	_, ok, err = ParseEvent("issue_comment", []byte(plain))
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = ParseEvent("push", []byte(`{}`))
	require.NoError(t, err)
	assert.False(t, ok)

	for _, bad := range []string{`not json`, `{}`, `{"comment":{"id":1},"repository":{"name":"r","owner":{"login":"o"}}}`,
		`{"comment":{"id":1},"issue":{"number":0,"pull_request":{}},"repository":{"name":"r","owner":{"login":"o"}}}`} {
		_, _, err := ParseEvent("issue_comment", []byte(bad))
		assert.ErrorIs(t, err, ErrEvent, bad)
	}
}

func TestVerifySignature(t *testing.T) {
	secret, body := []byte("It's a Secret to Everybody"), []byte("Hello, World!")
	// The example from GitHub's documentation on validating deliveries.
	const want = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	assert.Equal(t, want, Sign(secret, body))
	assert.NoError(t, VerifySignature(secret, body, want))
	for _, h := range []string{"", "sha1=abc", "sha256=zz", "sha256=" + strings.Repeat("0", 64), Sign([]byte("other"), body)} {
		assert.ErrorIs(t, VerifySignature(secret, body, h), ErrSignature, h)
	}
	assert.ErrorIs(t, VerifySignature(nil, body, Sign(nil, body)), ErrSignature, "no secret never verifies")
}

func FuzzParseEvent(f *testing.F) {
	f.Add("issue_comment", issueEvent)
	f.Add("pull_request_review_comment", reviewEvent)
	f.Add("issue_comment", `{"comment":null}`)
	f.Fuzz(func(t *testing.T, name, body string) {
		ev, ok, err := ParseEvent(name, []byte(body))
		if err != nil {
			if ok {
				t.Fatal("ok with an error")
			}
			return
		}
		if !ok {
			return
		}
		if ev.PR.Number <= 0 || ev.Comment.ID == 0 || !validOwner(ev.PR.Owner) || !validRepo(ev.PR.Repo) {
			t.Fatalf("accepted an event naming no valid PR or comment: %+v", ev)
		}
		if again, err := ParsePR(ev.PR.URL()); err != nil || !again.Same(ev.PR) {
			t.Fatalf("event PR %+v does not round-trip: %v", ev.PR, err)
		}
		if _, err := json.Marshal(ev); err != nil {
			t.Fatal(err)
		}
	})
}
