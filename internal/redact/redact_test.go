package redact_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/redact"
)

// Each line of testdata/corpus-secrets.txt marks its secret with «…». The
// redacted line must not contain the secret, and must keep the text before it.
func TestSecretsCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "corpus-secrets.txt"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		before, rest, ok := strings.Cut(line, "«")
		require.True(t, ok, "corpus line without «secret»: %q", line)
		secret, after, ok := strings.Cut(rest, "»")
		require.True(t, ok, "corpus line without closing »: %q", line)
		n++
		in := before + secret + after
		out := redact.String(in)
		if strings.Contains(out, secret) || strings.Contains(out, secret[len(secret)/3:]) {
			t.Errorf("secret kept:\n  in:  %s\n  out: %s", in, out)
			continue
		}
		assert.Contains(t, out, redact.Mask, in)
		// Context before the secret survives (bar what a whole-token rule eats of it).
		keep := before
		if i := strings.LastIndexAny(keep, " =:\"'(/"); i >= 0 {
			keep = keep[:i]
		} else {
			keep = ""
		}
		assert.True(t, strings.HasPrefix(out, keep), "context lost:\n  in:  %s\n  out: %s", in, out)
		assert.True(t, redact.Found(in))
		assert.Equal(t, out, redact.String(out), "idempotent")
	}
	require.NoError(t, sc.Err())
	assert.GreaterOrEqual(t, n, 50, "the corpus holds at least 50 secrets")
}

// The clean corpus is ordinary source code, config and prose that talks
// about tokens, passwords and keys without containing any. Nothing in it
// may be redacted.
func TestCleanCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus-clean", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	lines, falsePositives := 0, 0
	for _, path := range files {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		in := strings.Split(string(b), "\n")
		out := strings.Split(redact.String(string(b)), "\n")
		require.Equal(t, len(in), len(out), path)
		for i := range in {
			lines++
			if in[i] != out[i] {
				falsePositives++
				t.Errorf("%s:%d: false positive:\n  in:  %s\n  out: %s", filepath.Base(path), i+1, in[i], out[i])
			}
		}
	}
	t.Logf("%d lines of clean code, %d false positives", lines, falsePositives)
	assert.GreaterOrEqual(t, lines, 300)
}

func TestCases(t *testing.T) {
	pem := "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain prose", "the token expired, so I refreshed it", "the token expired, so I refreshed it"},
		{"pem block keeps surroundings", "key:\n" + pem + "\nafter", "key:\n[REDACTED]\nafter"},
		{"truncated pem block runs to the end", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oO9ZHp3Za2xc", "[REDACTED]"},
		{"public key is not a secret", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"},
		{"url password", "postgres://app:Zr8vQ2mKx7@db:5432/app", "postgres://app:[REDACTED]@db:5432/app"},
		{"url placeholder password", "postgres://app:${DB_PASSWORD}@db/app", "postgres://app:${DB_PASSWORD}@db/app"},
		{"url without password", "https://user@example.com/path", "https://user@example.com/path"},
		{"env line", "API_TOKEN=Zq81mXk2Lr9Pw0", "API_TOKEN=[REDACTED]"},
		{"env reference", "API_TOKEN=$VAULT_TOKEN", "API_TOKEN=$VAULT_TOKEN"},
		{"env empty", "API_TOKEN=", "API_TOKEN="},
		{"window title", "● .env — DB_PASSWORD=hunter2x9 — Visual Studio Code", "● .env — DB_PASSWORD=[REDACTED] — Visual Studio Code"},
		{"spoken key in a transcript", "okay so the key is 9f3Kx0Qm2LpZ8vR1tY6wB4nC and then", "okay so the key is [REDACTED] and then"},
		{"git sha next to key is kept", "the key change landed in 4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a3", "the key change landed in 4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a3"},
		{"two secrets on a line", "GITHUB_TOKEN=ghp_aaaaBBBBccccDDDDeeeeFFFFgggg11112222 SLACK=xoxb-1234567890-abcdefghij", "GITHUB_TOKEN=[REDACTED] SLACK=[REDACTED]"},
		{"password said aloud", "the password is wrong, try again", "the password is wrong, try again"},
		{"password with digits said aloud", "the password is hunter2x", "the password is [REDACTED]"},
		{"already masked", "password=[REDACTED]", "password=[REDACTED]"},
		{"markdown comment marker", "<!-- trace:focus:3f9c2a7b10e4d5c6 -->", "<!-- trace:focus:3f9c2a7b10e4d5c6 -->"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, redact.String(tt.in))
			assert.Equal(t, tt.in != tt.want, redact.Found(tt.in))
		})
	}
}

func FuzzString(f *testing.F) {
	sc := bufio.NewScanner(strings.NewReader(mustRead(f, "testdata/corpus-secrets.txt")))
	for sc.Scan() {
		f.Add(strings.NewReplacer("«", "", "»", "").Replace(sc.Text()))
	}
	f.Add("password=[REDACTED]abc123XYZ789")
	f.Add("token: token: token: Zq81mXk2Lr9Pw0Zq81mXk2")
	f.Add("https://a:b@c https://d:[REDACTED]@e")
	f.Fuzz(func(t *testing.T, s string) {
		once := redact.String(s)
		twice := redact.String(once)
		if once != twice {
			t.Fatalf("not idempotent:\n in:    %q\n once:  %q\n twice: %q", s, once, twice)
		}
	})
}

func mustRead(tb testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func BenchmarkString(b *testing.B) {
	var sb strings.Builder
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus-clean", "*"))
	for _, p := range files {
		sb.WriteString(mustRead(b, p))
	}
	clean := sb.String()
	mixed := clean + strings.NewReplacer("«", "", "»", "").Replace(mustRead(b, "testdata/corpus-secrets.txt"))
	for _, bc := range []struct{ name, text string }{{"clean", clean}, {"with-secrets", mixed}, {"prose", strings.Repeat("We talked through why the cart total rounds before the discount, then fixed it. ", 200)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for i := 0; i < b.N; i++ {
				redact.String(bc.text)
			}
		})
	}
}
