package session_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/tracepr/trace/session"
)

// A store holds one directory per session; sessions are found again by id
// or by a unique prefix of it, like git short hashes.
func Example() {
	home, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(home)

	st, err := session.Open(home)
	if err != nil {
		log.Fatal(err)
	}
	s, err := st.Create(session.CreateOptions{ID: "3f9c2a7b10e4d5c6", ProjectDir: "/src/shop"})
	if err != nil {
		log.Fatal(err)
	}
	// The recorder reports the wall time of the first frame; every offset counts from it.
	s.Meta.Epoch = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	s.Meta.Length = 95 * time.Second
	if err := s.Transition(session.StatusCaptured, nil); err != nil {
		log.Fatal(err)
	}

	again, err := st.Get("3f9c")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.ID(), again.Meta.Status, again.Meta.Length)

	_, err = st.Get("ffff")
	fmt.Println(errors.Is(err, session.ErrNotFound))
	// Output:
	// 3f9c2a7b10e4d5c6 captured 1m35s
	// true
}

// Event logs are JSON lines. A crash can tear the last line; reading skips
// it, counts it, and keeps everything else.
func ExampleReadJSONL() {
	dir, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, session.FileSaves)

	_ = session.AppendJSONL(path, session.SaveEvent{At: 4 * time.Second, Path: "cart/total.go", Op: "write"})
	_ = session.AppendJSONL(path, session.SaveEvent{At: 9 * time.Second, Path: "cart/total_test.go", Op: "write"})
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"t":12.5,"pa`) // the process died here
	f.Close()

	saves, stats, err := session.ReadJSONL[session.SaveEvent](path)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range saves {
		fmt.Println(session.Clock(e.At), e.Path)
	}
	fmt.Printf("%d lines, %d skipped\n", stats.Lines, stats.Skipped)
	// Output:
	// 0:04 cart/total.go
	// 0:09 cart/total_test.go
	// 3 lines, 1 skipped
}

// Lock keeps a second process from writing the same session.
func ExampleSession_Lock() {
	home, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(home)
	st, _ := session.Open(home)
	s, _ := st.Create(session.CreateOptions{ID: "a1b2c3d4"})

	unlock, err := s.Lock()
	if err != nil {
		log.Fatal(err)
	}
	_, err = s.Lock() // a second writer, while the first holds it
	fmt.Println(errors.Is(err, session.ErrLocked))
	unlock()
	// Output: true
}
