package qa

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/session"
)

// Outcome says what the bot did with one comment.
type Outcome string

// Outcomes.
const (
	OutcomeIgnored    Outcome = "ignored"     // not a command, a bot, or trace itself
	OutcomeAnswered   Outcome = "answered"    // a reply with clips was posted
	OutcomeNothing    Outcome = "nothing"     // the session has nothing about it; said so
	OutcomeHelp       Outcome = "help"        // the help text was posted
	OutcomeNotAllowed Outcome = "not_allowed" // the commenter may not ask (noted if configured)
	OutcomeUpdated    Outcome = "updated"     // the question was edited; the reply was edited to match
	OutcomeDone       Outcome = "done"        // answered earlier; nothing to do
	OutcomeDeferred   Outcome = "deferred"    // failed earlier; the next try is not due yet
	OutcomeFailed     Outcome = "failed"      // failed now; it will be retried later
)

// Answerer writes the answer to a question from the moments found;
// *narrate.Narrator is the implementation (a Writer behind the
// groundedness checker).
type Answerer interface {
	Answer(ctx context.Context, in *narrate.AnswerInput) (narrate.Answer, error)
}

// Editor and Reactor are the optional abilities of a sink the bot uses
// when present: editing its reply after the question was edited, and
// acknowledging a command with 👀. ghpr.Sink and ghprtest.MemSink have both.
type (
	Editor interface {
		Edit(ctx context.Context, pr ghpr.PR, c ghpr.Comment, body string) (ghpr.Comment, error)
	}
	Reactor interface {
		React(ctx context.Context, pr ghpr.PR, c ghpr.Comment, reaction string) error
	}
)

// DefaultAssociations returns the commenters answered by default: the
// repository's owners, members and collaborators.
func DefaultAssociations() []string { return []string{"OWNER", "MEMBER", "COLLABORATOR"} }

// Config sets up a Bot. Sink, Index and Session are required.
type Config struct {
	Sink    ghpr.PRSink
	Index   Searcher
	Session *session.Session
	// Answerer writes answers; nil means a narrate.Narrator with the
	// offline writer, checked against Grounds.
	Answerer Answerer
	// Grounds is the evidence the default Answerer checks against (nil: the hits only).
	Grounds *narrate.Grounds
	// Self is the bot's own login; its comments are never answered.
	Self string
	// Associations answered (default OWNER, MEMBER, COLLABORATOR).
	Associations []string
	// NoteNotAllowed posts a polite note to others instead of staying silent.
	NoteNotAllowed bool
	// NoReact turns off the 👀 reaction on commands.
	NoReact bool
	// Search tunes clip finding; Length defaults to the session's length.
	Search SearchOptions
	// MaxReply bounds replies in bytes (default DefaultMaxReply).
	MaxReply int
	// RetryBase is the first wait after a failure (default 1 minute),
	// doubled per attempt up to RetryMax (default 1 hour).
	RetryBase, RetryMax time.Duration
	// Lease is how long a claim on a comment keeps other bots of the same
	// session away from it (default 10 minutes); a bot that dies while
	// answering holds the comment that long.
	Lease time.Duration
	// LockWait bounds the wait for the session's qa lock (default 30 s).
	LockWait time.Duration
	Logger   *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Bot answers /trace comments on pull requests from one session. It is
// safe for concurrent use; comments are handled one at a time. Bots in
// several processes may share a session: each comment is claimed under the
// session's qa lock, with the state re-read from disk, so it gets one reply.
type Bot struct {
	cfg   Config
	log   *slog.Logger
	id    string // owner of this bot's claims
	mu    sync.Mutex
	state *State
	// unsaved are answers posted whose record could not be saved yet; the
	// next update writes them.
	unsaved map[string]Answered
}

// New loads the session's qa.json and returns a Bot.
func New(cfg Config) (*Bot, error) {
	if cfg.Sink == nil || cfg.Index == nil || cfg.Session == nil {
		return nil, errors.New("qa: Config needs Sink, Index and Session")
	}
	if cfg.Answerer == nil {
		cfg.Answerer = &narrate.Narrator{Grounds: cfg.Grounds, Log: cfg.Logger}
	}
	if len(cfg.Associations) == 0 {
		cfg.Associations = DefaultAssociations()
	}
	if cfg.Search.Length == 0 {
		cfg.Search.Length = cfg.Session.Meta.Length
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Minute
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if cfg.LockWait <= 0 {
		cfg.LockWait = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := LoadState(cfg.Session)
	if err != nil {
		return nil, err
	}
	return &Bot{cfg: cfg, log: log, id: botID(), state: st, unsaved: map[string]Answered{}}, nil
}

// botID names a bot among those sharing a session: host, process and a
// random part (two bots of one process differ too).
func botID() string {
	host, _ := os.Hostname()
	var r [4]byte
	_, _ = crand.Read(r[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(r[:]))
}

// State returns a copy of what the bot remembers.
func (b *Bot) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := State{Schema: b.state.Schema, Answered: map[string]Answered{}, Failed: map[string]Failure{}, Claimed: map[string]Claim{}}
	for k, v := range b.state.Answered {
		st.Answered[k] = v
	}
	for k, v := range b.unsaved {
		st.Answered[k] = v
	}
	for k, v := range b.state.Failed {
		st.Failed[k] = v
	}
	for k, v := range b.state.Claimed {
		st.Claimed[k] = v
	}
	return st
}

// Own reports whether a comment was written by trace or another bot.
func (b *Bot) Own(c ghpr.Comment) bool {
	body := strings.TrimLeft(c.Body, " \t\r\n")
	return c.Bot || strings.HasSuffix(c.Author, "[bot]") ||
		(b.cfg.Self != "" && strings.EqualFold(c.Author, b.cfg.Self)) ||
		strings.HasPrefix(body, "<!-- trace:") || strings.Contains(c.Body, ReplyMarker)
}

func (b *Bot) allowed(c ghpr.Comment) bool {
	return slices.ContainsFunc(b.cfg.Associations, func(a string) bool { return strings.EqualFold(a, c.Association) })
}

// Handle acts on one comment of pr: answers a new /trace command, updates
// the answer of an edited one, and does nothing for the rest or for what
// it already did. A failure is recorded for a later retry and returned.
func (b *Bot) Handle(ctx context.Context, pr ghpr.PR, c ghpr.Comment) (Outcome, error) {
	if b.Own(c) {
		return OutcomeIgnored, nil
	}
	cmd, ok := ParseCommand(c.Body)
	if !ok {
		return OutcomeIgnored, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	key, hash := stateKey(pr, c), bodyHash(c.Body)
	log := b.log.With("pr", pr.String(), "comment", c.ID, "author", c.Author)
	// Claim the comment: decide on the state as it is on disk now, under
	// the lock, so two bots of this session never both answer.
	var (
		prev    Answered
		done    bool
		outcome Outcome
	)
	now := b.cfg.Now()
	err := b.update(ctx, func(st *State) bool {
		prev, done = st.Answered[key]
		if done && prev.BodyHash == hash {
			outcome = OutcomeDone
			return false
		}
		if f, failed := st.Failed[key]; failed && now.Before(f.Next) {
			outcome = OutcomeDeferred
			return false
		}
		if cl, claimed := st.Claimed[key]; claimed && cl.Owner != b.id && now.Before(cl.Until) {
			log.Debug("qa: another bot is answering this comment", "owner", cl.Owner, "until", cl.Until)
			outcome = OutcomeDeferred
			return false
		}
		st.Claimed[key] = Claim{Owner: b.id, Until: now.Add(b.cfg.Lease).UTC()}
		return true
	})
	if err != nil {
		return OutcomeFailed, fmt.Errorf("claim comment %d on %s in %s: %w", c.ID, pr, b.cfg.Session.Path(session.FileQA), err)
	}
	if outcome != "" {
		return outcome, nil
	}
	rec := Answered{PR: pr.String(), Comment: c.ID, Kind: c.Kind, BodyHash: hash, At: b.cfg.Now().UTC()}
	if !b.allowed(c) {
		rec.Outcome = OutcomeNotAllowed
		if b.cfg.NoteNotAllowed && !done {
			r, err := b.cfg.Sink.Reply(ctx, pr, c, notAllowedReply())
			if err != nil {
				return b.fail(ctx, key, pr, c, err)
			}
			rec.Reply = ghpr.Comment{ID: r.ID, Kind: r.Kind}
		} else if done {
			rec.Reply = prev.Reply
		}
		log.Info("qa: commenter not allowed", "association", c.Association)
		return b.record(ctx, key, rec)
	}
	if !done && !b.cfg.NoReact {
		if r, ok := b.cfg.Sink.(Reactor); ok {
			if err := r.React(ctx, pr, c, "eyes"); err != nil {
				log.Warn("qa: could not add the 👀 reaction", "err", err)
			}
		}
	}
	var body string
	switch {
	case cmd.Help:
		rec.Outcome, body = OutcomeHelp, helpReply()
	default:
		file := ""
		if c.Kind == ghpr.ReviewComment {
			file = c.Path
		}
		found, err := Find(ctx, b.cfg.Index, cmd.Question, file, b.cfg.Search)
		if err != nil {
			return b.fail(ctx, key, pr, c, err)
		}
		if len(found) == 0 {
			rec.Outcome, body = OutcomeNothing, nothingReply(cmd.Question, b.cfg.Session.ID())
			break
		}
		in := &narrate.AnswerInput{Question: cmd.Question}
		for _, f := range found {
			in.Hits = append(in.Hits, narrate.AnswerHit{Span: f.Span, Type: f.Type, Text: f.Text, Score: f.Score, URL: f.URL})
		}
		ans, err := b.cfg.Answerer.Answer(ctx, in)
		if err != nil {
			return b.fail(ctx, key, pr, c, fmt.Errorf("write the answer: %w", err))
		}
		rec.Outcome = OutcomeAnswered
		body = formatReply(cmd.Question, ans.Text, found, b.cfg.Session.ID(), b.cfg.MaxReply)
	}
	var reply ghpr.Comment
	if done && prev.Reply.ID != 0 {
		ed, ok := b.cfg.Sink.(Editor)
		if !ok {
			return b.fail(ctx, key, pr, c, errors.New("the question was edited but this sink cannot edit the earlier answer"))
		}
		reply, err = ed.Edit(ctx, pr, prev.Reply, body)
		rec.Outcome = OutcomeUpdated
	} else {
		reply, err = b.cfg.Sink.Reply(ctx, pr, c, body)
	}
	if err != nil {
		return b.fail(ctx, key, pr, c, err)
	}
	rec.Reply = ghpr.Comment{ID: reply.ID, Kind: reply.Kind}
	log.Info("qa: replied", "outcome", rec.Outcome, "reply", reply.ID)
	return b.record(ctx, key, rec)
}

// record saves rec as the answer to key and releases the claim. The reply
// is out, so it is saved even when ctx has ended; if saving fails, the
// record is kept and written by the next update.
func (b *Bot) record(ctx context.Context, key string, rec Answered) (Outcome, error) {
	err := b.update(context.WithoutCancel(ctx), func(st *State) bool {
		st.Answered[key] = rec
		delete(st.Failed, key)
		delete(st.Claimed, key)
		return true
	})
	if err != nil {
		b.unsaved[key] = rec
		return rec.Outcome, fmt.Errorf("remember comment %d as answered: %w", rec.Comment, err)
	}
	return rec.Outcome, nil
}

// fail records a failed attempt with exponential backoff; the comment is
// tried again once the wait is over.
// The claim is released either way, so another bot may try at once after a
// cancellation, and after the wait after a failure.
func (b *Bot) fail(ctx context.Context, key string, pr ghpr.PR, c ghpr.Comment, err error) (Outcome, error) {
	release := func(st *State) {
		if cl, ok := st.Claimed[key]; ok && cl.Owner == b.id {
			delete(st.Claimed, key)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if uerr := b.update(context.WithoutCancel(ctx), func(st *State) bool { release(st); return true }); uerr != nil {
			b.log.Warn("qa: could not release the claim; it expires by itself", "comment", c.ID, "err", uerr)
		}
		return OutcomeFailed, err
	}
	var f Failure
	var wait time.Duration
	step := func(st *State) bool {
		f = st.Failed[key]
		f.PR, f.Comment = pr.String(), c.ID
		f.Attempts++
		wait = b.cfg.RetryBase << min(f.Attempts-1, 20)
		if wait > b.cfg.RetryMax || wait <= 0 {
			wait = b.cfg.RetryMax
		}
		f.Next = b.cfg.Now().Add(wait).UTC()
		f.Error = err.Error()
		st.Failed[key] = f
		release(st)
		return true
	}
	if serr := b.update(context.WithoutCancel(ctx), step); serr != nil {
		step(b.state) // remember it here at least
		err = errors.Join(err, serr)
	}
	b.log.Warn("qa: answer failed; will retry", "pr", pr.String(), "comment", c.ID, "attempt", f.Attempts, "next", f.Next, "err", err)
	return OutcomeFailed, fmt.Errorf("answer comment %d on %s (attempt %d, retry after %s): %w", c.ID, pr, f.Attempts, wait.Round(time.Second), err)
}

// Summary counts the outcomes of a batch.
type Summary map[Outcome]int

// HandleAll handles comments in order and counts the outcomes. Failures
// are recorded for retry and do not stop the batch; their errors are
// joined in the result.
func (b *Bot) HandleAll(ctx context.Context, pr ghpr.PR, cs []ghpr.Comment) (Summary, error) {
	sum := Summary{}
	var errs []error
	for _, c := range cs {
		o, err := b.Handle(ctx, pr, c)
		sum[o]++
		if err != nil {
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
			errs = append(errs, err)
		}
	}
	return sum, errors.Join(errs...)
}

// dueRetries reports whether a recorded failure is due now.
func (b *Bot) dueRetries() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.cfg.Now()
	for _, f := range b.state.Failed {
		if !now.Before(f.Next) {
			return true
		}
	}
	for _, cl := range b.state.Claimed {
		if cl.Owner != b.id && !now.Before(cl.Until) {
			return true // another bot's claim lapsed: it died while answering
		}
	}
	return len(b.unsaved) > 0
}

// CommentSource lists a PR's comments and says whether anything changed
// since the last call; *ghpr.Poller is the implementation (conditional
// requests, so an idle PR costs no rate limit).
type CommentSource interface {
	Comments(ctx context.Context) ([]ghpr.Comment, bool, error)
}

// PollOptions tune Poll.
type PollOptions struct {
	Interval time.Duration // between polls (default 30 s)
	Once     bool          // poll once and return
	// OnPoll, when set, is called after every poll with its outcome counts.
	OnPoll func(Summary, error)
}

// Poll answers pr's comments until ctx ends (then it returns nil): every
// Interval it asks src for the comments and handles them when something
// changed or a failed answer is due for a retry.
func (b *Bot) Poll(ctx context.Context, pr ghpr.PR, src CommentSource, o PollOptions) error {
	if o.Interval <= 0 {
		o.Interval = 30 * time.Second
	}
	var last []ghpr.Comment
	for {
		cs, changed, err := src.Comments(ctx)
		var sum Summary
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			b.log.Warn("qa: poll failed; trying again next interval", "pr", pr.String(), "err", err)
		default:
			last = cs
			if changed || b.dueRetries() {
				sum, err = b.HandleAll(ctx, pr, last)
				if ctx.Err() != nil {
					return nil
				}
			}
		}
		if o.OnPoll != nil {
			o.OnPoll(sum, err)
		}
		if o.Once {
			return err
		}
		t := time.NewTimer(o.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
