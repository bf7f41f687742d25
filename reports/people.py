"""Who a visitor is, for counting "me too" per person rather than per network address.

A signed-in user is their account. Anyone else is their browser: a random device token
kept a year in a cookie (HTTP-only, same-site), made on the first "me too".
"""

import re
import secrets

DEVICE_COOKIE = "hromada_device"
DEVICE_COOKIE_AGE_S = 365 * 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def person_key(request) -> tuple[str, str | None]:
    """Return (the person's key, a new device token to remember or None)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", None
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if _TOKEN.fullmatch(token):
        return f"device:{token}", None
    token = secrets.token_urlsafe(32)
    return f"device:{token}", token


def device_remember(response, token: str | None) -> None:
    """Set the device cookie on `response` when a new token was made."""
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_COOKIE_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=False,
        )
