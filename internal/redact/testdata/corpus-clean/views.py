import os
import secrets
import hashlib
from getpass import getpass

from django.conf import settings
from django.contrib.auth import authenticate, login

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
API_TOKEN = os.environ.get("API_TOKEN")
PASSWORD_MIN_LENGTH = 12
TOKEN_TTL_SECONDS = 3600


def make_reset_token(user):
    token = secrets.token_urlsafe(32)
    user.reset_token_hash = hashlib.sha256(token.encode()).hexdigest()
    user.save(update_fields=["reset_token_hash"])
    return token


def login_view(request):
    username = request.POST["username"]
    password = request.POST["password"]
    user = authenticate(request, username=username, password=password)
    if user is None:
        return {"error": "invalid username or password"}
    login(request, user)
    return {"ok": True, "token_type": "bearer"}


def change_password(user, old_password, new_password):
    if not user.check_password(old_password):
        raise ValueError("old password does not match")
    if len(new_password) < PASSWORD_MIN_LENGTH:
        raise ValueError("password too short")
    user.set_password(new_password)


class ApiKeyAuth:
    header = "X-Api-Key"

    def __init__(self, api_key=None):
        self.api_key = api_key or settings.API_KEY
        self.auth_header = self.header

    def __call__(self, request):
        key = request.headers.get(self.header)
        return key == self.api_key


def cli():
    password = getpass("Password: ")
    confirm_password = getpass("Repeat password: ")
    if password != confirm_password:
        print("passwords differ")
    tokenizer = "bert-base-uncased"
    max_tokens = 512
    print(f"using {tokenizer} with max_tokens={max_tokens}")
