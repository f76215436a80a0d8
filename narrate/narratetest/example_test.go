package narratetest_test

import (
	"context"
	"fmt"

	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/narrate/narratetest"
)

// The fakes stand in for a language model and a speech synthesiser: the
// Writer answers with scripted replies and keeps the prompts it was given;
// the Voice speaks at a fixed rate and fails on chosen texts.
func Example() {
	ctx := context.Background()
	w := narratetest.NewWriter(`["I add a cap to the backoff."]`)
	reply, _ := w.Write(ctx, narrate.Prompt{Task: "clip_narration", User: "clip 0: backoff.go"})
	fmt.Println(reply, len(w.Prompts()), w.Prompts()[0].Task)

	v := &narratetest.Voice{FailOn: []string{"secret"}}
	m, err := v.Speak(ctx, "I cap the shift at thirty.")
	fmt.Println(m.Duration > 0, err)
	_, err = v.Speak(ctx, "a secret plan")
	fmt.Println(err != nil, len(v.Texts()))
	// Output:
	// ["I add a cap to the backoff."] 1 clip_narration
	// true <nil>
	// true 2
}
