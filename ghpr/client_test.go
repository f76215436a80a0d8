package ghpr

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientEnterpriseURLs(t *testing.T) {
	c, err := NewClient(ClientOptions{Host: "GHE.corp.example", Token: "t"})
	require.NoError(t, err)
	assert.Equal(t, "https://ghe.corp.example/api/v3/", c.GitHub().BaseURL.String())
	assert.Equal(t, "https://ghe.corp.example/api/uploads/", c.GitHub().UploadURL.String())
	assert.Equal(t, "ghe.corp.example", c.Host())

	c, err = NewClient(ClientOptions{Host: "github.com"})
	require.NoError(t, err)
	assert.Equal(t, "https://api.github.com/", c.GitHub().BaseURL.String())
	assert.Equal(t, "", c.Host())

	c, err = NewClient(ClientOptions{BaseURL: "http://127.0.0.1:9/api/v3"})
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/api/v3/", c.GitHub().BaseURL.String())
}

func TestToken(t *testing.T) {
	ctx := context.Background()
	t.Setenv("GITHUB_TOKEN", "from-env")
	t.Setenv("GH_TOKEN", "from-gh-env")
	tok, err := Token(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "from-env", tok)

	t.Setenv("GITHUB_TOKEN", "")
	tok, err = Token(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "from-gh-env", tok)

	// No environment and a gh that prints a token for the asked host.
	t.Setenv("GH_TOKEN", "")
	bin := t.TempDir()
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"auth token --hostname ghe.corp.example\" ] && echo from-gh-cli && exit 0\nexit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(script), 0o755))
	t.Setenv("PATH", bin)
	tok, err = Token(ctx, "ghe.corp.example")
	require.NoError(t, err)
	assert.Equal(t, "from-gh-cli", tok)

	// gh not logged in (or absent): one clear error.
	_, err = Token(ctx, "")
	require.ErrorIs(t, err, ErrNoToken)
	assert.Contains(t, err.Error(), "gh auth login")
	t.Setenv("PATH", t.TempDir())
	_, err = Token(ctx, "")
	require.ErrorIs(t, err, ErrNoToken)
}
