#!/usr/bin/env bash
set -euo pipefail
: "${API_TOKEN:?set API_TOKEN to a deploy token}"
TOKEN_FILE=${TOKEN_FILE:-/run/secrets/token}
export GITHUB_TOKEN="$(gh auth token)"
PASSWORD=$(cat "$PASSWORD_FILE")
SECRET_NAME=shop-session
KEY_PATH=$HOME/.ssh/id_ed25519
PWD_BEFORE=$PWD
cd "$(dirname "$0")"
ssh-keygen -t ed25519 -f "$KEY_PATH" -N ""
kubectl create secret generic "$SECRET_NAME" --from-literal=secret="$(openssl rand -hex 32)"
curl -fsS -H "Authorization: Bearer $API_TOKEN" https://deploy.example.com/hooks/shop
echo "token saved to $TOKEN_FILE"
git log --format='%H %s' -n 3 # e.g. 4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39 fix token refresh
git commit -m "Rotate the API key and token handling (see 9b2e4c1d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d)"
cd "$PWD_BEFORE"
