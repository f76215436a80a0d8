package main

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// staticIndex answers every search with one moment: the bot's search is not
// what P7 measures.
type staticIndex struct{}

func (staticIndex) Search(context.Context, string, session.SearchType) ([]session.Hit, error) {
	return []session.Hit{{Span: session.Span{Start: 30e9, End: 42e9}, Score: 0.8, Text: "I loop until the frame is full", Type: session.Spoken}}, nil
}

func (staticIndex) Clip(_ context.Context, sp session.Span) (string, error) {
	return fmt.Sprintf("https://example.invalid/clip?start=%g", sp.Start.Seconds()), nil
}

type pollCost struct{ requests, counted int }

func countSince(gh *ghprtest.Server, from int) pollCost {
	var c pollCost
	for _, r := range gh.Requests()[from:] {
		c.requests++
		if r.Counted {
			c.counted++
		}
	}
	return c
}

func runP7(ctx context.Context, cfg config) (*result, error) {
	res := &result{
		Part:   "p7",
		Title:  "GitHub cost of an idle /trace poll (GitHub fake; counts are exact, not timed)",
		Header: []string{"PR comments (conversation + review)", "approach", "requests per idle poll", "counted against the rate limit", "counted per hour at one poll / 30 s", "share of 5,000/h"},
		Raw:    map[string]any{},
	}
	for _, n := range []int{50, 250} {
		ours, first, err := p7Ours(ctx, cfg.seed, n)
		if err != nil {
			return nil, err
		}
		seed, err := p7Seed(ctx, cfg.seed, n)
		if err != nil {
			return nil, err
		}
		label := fmt.Sprintf("%d + %d", n, n/5)
		for _, row := range []struct {
			name string
			c    pollCost
		}{{"trace (ETag, 304)", ours}, {"seed (re-list every comment)", seed}} {
			res.Rows = append(res.Rows, []string{label, row.name, fmt.Sprint(row.c.requests), fmt.Sprint(row.c.counted),
				fmt.Sprint(row.c.counted * 120), fmt.Sprintf("%.1f%%", float64(row.c.counted*120)/50)})
		}
		res.Raw[fmt.Sprint(n)] = map[string]any{"ours_idle": ours, "ours_first_poll": first, "seed": seed}
		res.Notes = append(res.Notes, fmt.Sprintf("With %d comments, trace's first poll (which answered one /trace question) made %d requests, %d counted.", n, first.requests, first.counted))
	}
	res.Notes = append(res.Notes, "The seed lists issue comments only (30 a page) and misses review comments; trace reads both, 100 a page, with If-None-Match.")
	return res, nil
}

func p7PR(e *env, n int) ghpr.PR {
	pr := ghpr.PR{Owner: "acme", Repo: "shop", Number: 7}
	e.gh.AddPR(pr, ghprtestPR())
	for i := range n {
		e.gh.AddIssueComment(pr, fmt.Sprintf("Looks good, one nit in comment %d.", i), ghprtest.CommentOptions{Author: "reviewer"})
	}
	for i := range n / 5 {
		e.gh.AddReviewComment(pr, fmt.Sprintf("Why this constant? (%d)", i), ghprtest.CommentOptions{Author: "reviewer", Path: "parser.go", Line: 10 + i})
	}
	e.gh.AddIssueComment(pr, "/trace why was the retry added?", ghprtest.CommentOptions{Author: "lead", Association: "OWNER"})
	return pr
}

func p7Ours(ctx context.Context, seed uint64, n int) (idle, first pollCost, err error) {
	e, err := newEnv(seed, 0.001, videodbtest.Options{})
	if err != nil {
		return idle, first, err
	}
	defer e.close()
	pr := p7PR(e, n)
	s, err := e.store.Create(session.CreateOptions{Backend: "videodb"})
	if err != nil {
		return idle, first, err
	}
	bot, err := qa.New(qa.Config{Sink: e.ghc.Sink(), Index: staticIndex{}, Session: s, Self: "trace-bot", Logger: e.log})
	if err != nil {
		return idle, first, err
	}
	poller := e.ghc.Poller(pr)
	var sum qa.Summary
	poll := func() (pollCost, error) {
		from := len(e.gh.Requests())
		err := bot.Poll(ctx, pr, poller, qa.PollOptions{Once: true, OnPoll: func(s qa.Summary, _ error) { sum = s }})
		return countSince(e.gh, from), err
	}
	if first, err = poll(); err != nil {
		return idle, first, fmt.Errorf("first poll: %w", err)
	}
	_ = sum
	const polls = 10
	var total pollCost
	for range polls {
		c, err := poll()
		if err != nil {
			return idle, first, fmt.Errorf("idle poll: %w", err)
		}
		total.requests += c.requests
		total.counted += c.counted
	}
	return pollCost{total.requests / polls, total.counted / polls}, first, nil
}

// p7Seed polls the way the seed did (seed-behaviour §9): every issue
// comment, page by page (30 a page), without a conditional request.
func p7Seed(ctx context.Context, seed uint64, n int) (pollCost, error) {
	e, err := newEnv(seed, 0.001, videodbtest.Options{})
	if err != nil {
		return pollCost{}, err
	}
	defer e.close()
	pr := p7PR(e, n)
	gh := e.ghc.GitHub()
	from := len(e.gh.Requests())
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 30}}
	for {
		_, resp, err := gh.Issues.ListComments(ctx, pr.Owner, pr.Repo, pr.Number, opt)
		if err != nil {
			return pollCost{}, err
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return countSince(e.gh, from), nil
}

func ghprtestPR() ghprtest.PROptions {
	return ghprtest.PROptions{Title: "Loop until the frame is full", Author: "dev", Head: "fix/read-frame", Base: "main",
		Body: "Fixes the short read in the frame parser.\n"}
}
