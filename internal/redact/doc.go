// Package redact removes secrets from text before it leaves the machine:
// transcripts, scene text, window titles, generated text and PR comments all
// pass through String at the boundary where they are sent or published.
//
// String masks, with [Mask]:
//
//   - private key blocks (PEM, OpenSSH, and the escaped private_key of a
//     Google service-account JSON);
//   - cloud credentials: AWS access key ids, AWS secret keys next to an aws
//     name, Azure storage and service-bus keys and SAS signatures, Google API
//     keys and OAuth client secrets;
//   - service tokens by their shape: GitHub, GitLab, Slack (and Slack and
//     Discord webhooks), Stripe, npm, PyPI, OpenAI, Anthropic, Hugging Face,
//     SendGrid, Twilio, DigitalOcean, Shopify; JWTs; bearer headers;
//   - passwords in URLs (scheme://user:password@host);
//   - values assigned to sensitive names: .env and shell lines
//     (DB_PASSWORD=…), quoted literals in code, JSON and YAML, and bare
//     values that look generated;
//   - random-looking tokens a few words after key, secret, token or
//     password, and passwords said in words ("the password is …").
//
// Placeholders (${VAR}, <your-key>, changeme, os.Getenv(…)), references
// (config.APIKey), paths, identifiers and ordinary prose are left alone; the
// package's tests hold a corpus of real-looking secrets that must all be
// masked and a corpus of ordinary code and transcripts that must come out
// unchanged. String is idempotent.
package redact
