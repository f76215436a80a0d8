import { Octokit } from "@octokit/rest";
import jwt from "jsonwebtoken";

const token = process.env.GITHUB_TOKEN;
const apiKey = process.env.MAPS_API_KEY ?? "";
const octokit = new Octokit({ auth: token });

export function authHeaders(accessToken) {
  return { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" };
}

export async function refresh(refreshToken) {
  const res = await fetch("/api/token/refresh", {
    method: "POST",
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  if (!res.ok) throw new Error("could not refresh the token");
  const { access_token: accessToken, expires_in: expiresIn } = await res.json();
  return { accessToken, expiresIn };
}

export function verify(req, secret) {
  const authHeader = req.headers.authorization || "";
  const bearer = authHeader.replace(/^Bearer /, "");
  return jwt.verify(bearer, secret, { algorithms: ["HS256"] });
}

const passwordInput = document.querySelector("#password");
passwordInput.type = "password";
passwordInput.placeholder = "Password";
const tokenKey = "session_token";
localStorage.setItem(tokenKey, "");
const keys = Object.keys(window.localStorage);
const secretKeyName = "secretKey";
console.log(`loaded ${keys.length} keys; api key set: ${apiKey !== ""}`);
