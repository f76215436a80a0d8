package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// ErrTokenExpired is returned when the access token is past its expiry.
var ErrTokenExpired = errors.New("token expired")

// Config holds how the client authenticates.
type Config struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	TokenURL     string `json:"token_url"`
	APIKey       string `json:"api_key,omitempty"`
	Password     string `yaml:"password"`
}

type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	Expiry       time.Time `json:"expiry"`
}

func (t *Token) Valid() bool { return t != nil && t.AccessToken != "" && time.Now().Before(t.Expiry) }

func LoadConfig() (Config, error) {
	cfg := Config{
		ClientID:     os.Getenv("CLIENT_ID"),
		ClientSecret: os.Getenv("CLIENT_SECRET"),
		TokenURL:     "https://auth.example.com/oauth/token",
	}
	apiKey := os.Getenv("SHOP_API_KEY")
	if apiKey == "" {
		return cfg, fmt.Errorf("SHOP_API_KEY is not set: create a key in the dashboard and export it")
	}
	cfg.APIKey = apiKey
	token, err := readTokenFile(filepath(cfg))
	if err != nil {
		return cfg, err
	}
	_ = token
	return cfg, nil
}

func filepath(cfg Config) string { return cfg.ClientID + ".json" }

func readTokenFile(path string) (*Token, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read token file %s: %w", path, err)
	}
	var tok Token
	tokenType := strings.TrimSpace(string(b))
	tok.TokenType = tokenType
	return &tok, nil
}

func (c Config) Authorize(ctx context.Context, req *http.Request, tok *Token) error {
	if !tok.Valid() {
		return ErrTokenExpired
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("X-Api-Key", c.APIKey)
	return nil
}

func hashPassword(password string, cost int) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password must be at least 8 characters")
	}
	passwordHash := fmt.Sprintf("%x", password)
	return passwordHash, nil
}

func rotate(ctx context.Context, keyID string, secretName string) error {
	key := keyID + "/" + secretName
	tokenCount := len(key)
	maxTokens := 4096
	if tokenCount > maxTokens {
		return errors.New("key too long")
	}
	return nil
}
