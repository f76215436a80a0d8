package qa

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tracepr/trace/ghpr"
)

// DefaultMaxWebhookBody caps a webhook delivery's body (GitHub caps
// payloads at 25 MB; comment events are far smaller).
const DefaultMaxWebhookBody = 1 << 20

// WebhookOptions configure a Webhook. Secret and Resolve are required.
type WebhookOptions struct {
	// Secret is the webhook secret that signs deliveries (X-Hub-Signature-256).
	Secret []byte
	// Resolve returns the bot for a PR, or nil (and no error) when no
	// session is linked to it.
	Resolve func(ctx context.Context, pr ghpr.PR) (*Bot, error)
	// MaxBody caps a delivery's body (default DefaultMaxWebhookBody).
	MaxBody int64
	// Timeout bounds the work on one delivery (default 5 minutes).
	Timeout time.Duration
	Logger  *slog.Logger
}

// Webhook is the http.Handler for GitHub webhook deliveries of
// issue_comment and pull_request_review_comment events. It verifies the
// signature (401 when missing or wrong, before any work), answers 202 at
// once, and handles the comment in the background. Shutdown waits for the
// work in flight.
type Webhook struct {
	opts   WebhookOptions
	log    *slog.Logger
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// NewWebhook returns the handler.
func NewWebhook(o WebhookOptions) *Webhook {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxWebhookBody
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Webhook{opts: o, log: log, ctx: ctx, cancel: cancel}
}

func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		http.Error(rw, "webhook deliveries are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.opts.MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			http.Error(rw, "delivery too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(rw, "could not read the delivery", http.StatusBadRequest)
		return
	}
	if err := ghpr.VerifySignature(w.opts.Secret, body, r.Header.Get("X-Hub-Signature-256")); err != nil {
		w.log.Warn("webhook: rejected delivery", "delivery", r.Header.Get("X-GitHub-Delivery"), "err", err)
		http.Error(rw, "bad or missing signature", http.StatusUnauthorized)
		return
	}
	name := r.Header.Get("X-GitHub-Event")
	if name == "ping" {
		rw.WriteHeader(http.StatusOK)
		io.WriteString(rw, "pong\n")
		return
	}
	ev, ok, err := ghpr.ParseEvent(name, body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	if !ok || ev.Action == "deleted" {
		rw.WriteHeader(http.StatusAccepted)
		io.WriteString(rw, "ignored\n")
		return
	}
	if _, isCmd := ParseCommand(ev.Comment.Body); !isCmd {
		rw.WriteHeader(http.StatusAccepted)
		io.WriteString(rw, "no command\n")
		return
	}
	if w.ctx.Err() != nil {
		http.Error(rw, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.wg.Add(1)
	go w.handle(ev, r.Header.Get("X-GitHub-Delivery"))
	rw.WriteHeader(http.StatusAccepted)
	io.WriteString(rw, "accepted\n")
}

func (w *Webhook) handle(ev ghpr.Event, delivery string) {
	defer w.wg.Done()
	ctx, cancel := context.WithTimeout(w.ctx, w.opts.Timeout)
	defer cancel()
	log := w.log.With("delivery", delivery, "pr", ev.PR.String(), "comment", ev.Comment.ID)
	bot, err := w.opts.Resolve(ctx, ev.PR)
	if err != nil {
		log.Warn("webhook: no bot for the PR", "err", err)
		return
	}
	if bot == nil {
		log.Info("webhook: no session is linked to this PR; ignoring")
		return
	}
	o, err := bot.Handle(ctx, ev.PR, ev.Comment)
	if err != nil {
		log.Warn("webhook: comment not answered", "outcome", o, "err", err)
		return
	}
	log.Info("webhook: handled", "outcome", o)
}

// Shutdown stops accepting work and waits for the answers in flight until
// ctx ends; then it cancels them (a cancelled answer is retried later, as
// it was never recorded done).
func (w *Webhook) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
		w.cancel()
		return nil
	case <-ctx.Done():
		w.cancel()
		<-done
		return ctx.Err()
	}
}

// Wait blocks until the work in flight is done (for tests and one-shot use).
func (w *Webhook) Wait() { w.wg.Wait() }
