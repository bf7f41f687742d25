"""Login lock-out and login rate limit (DESIGN.md §7), for every login view.

Three pieces, so that any view that signs people in through `authenticate(request, …)`
(the admin login, a future LoginView, an API login) is covered without knowing its URL:

* `LoginThrottleBackend`, first in AUTHENTICATION_BACKENDS, refuses an attempt while the
  username is locked for this client address, or while the address has made more than
  LOGIN_RATE_LIMIT attempts in LOGIN_RATE_WINDOW_S. Raising PermissionDenied there stops
  Django from asking the real backends, so a locked account cannot be guessed at.
* Signal receivers count failures per username + address and lock the pair for
  LOGIN_LOCKOUT_S after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_S; a
  successful login clears the count.
* `LoginThrottleMiddleware` turns a refused attempt into a 429 answer with a clear
  message and Retry-After, instead of the form's generic "wrong password".

Counters live in PostgreSQL (core.ratelimit), shared by every worker and process, and
each attempt is counted by one atomic statement before it is judged, so concurrent
attempts cannot slip past the limit. Addresses and usernames are hashed with the secret
key before they become keys. Password changes and resets are throttled the same way
(`PasswordThrottleMiddleware`).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.errors import too_many_requests
from core.http import client_address
from core.ratelimit import (
    counter_clear,
    counter_hit,
    counter_hold,
    counter_incr,
    counter_value,
    flag_set,
    hashed,
)

LOCKED_MESSAGE = (
    "Забагато невдалих спроб входу. Обліковий запис тимчасово заблоковано для вашої адреси; "
    "спробуйте через {minutes} хв. / Too many failed sign-in attempts: this account is "
    "locked for your address. Try again in {minutes} min."
)
RATE_MESSAGE = (
    "Забагато спроб входу з вашої адреси; спробуйте через {minutes} хв. / Too many sign-in "
    "attempts from your address. Try again in {minutes} min."
)
# What the site's 429 page says happened, in the visitor's language (the messages above
# stay the JSON answers' text, both languages at once).
LOCKED_REASON = _("Too many failed sign-in attempts: this account is locked for your address.")
RATE_REASON = _("Too many sign-in attempts from your address.")
PASSWORD_REASON = _("Too many password change attempts from your address.")


def _pair_key(kind: str, request, username: str | None) -> str:
    return f"login:{kind}:{hashed(client_address(request), (username or '').strip().lower())}"


def _ip_key(request) -> str:
    return f"login:ip:{hashed(client_address(request))}"


def login_refusal(request, username: str | None) -> tuple[str, int, str] | None:
    """Count this attempt; return (message, retry-after seconds, reason for the page)
    when it must be refused.

    Both counts are taken before the password is checked, each in one atomic statement:
    of any number of concurrent attempts, at most LOGIN_RATE_LIMIT per address and
    LOGIN_FAILURE_LIMIT per username + address reach the password check.
    """
    locked = LOCKED_MESSAGE.format(minutes=max(1, settings.LOGIN_LOCKOUT_S // 60))
    if counter_value(_pair_key("lock", request, username)):
        return locked, settings.LOGIN_LOCKOUT_S, LOCKED_REASON
    if not counter_hit(_ip_key(request), settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW_S):
        seconds = settings.LOGIN_RATE_WINDOW_S
        return RATE_MESSAGE.format(minutes=max(1, seconds // 60)), seconds, RATE_REASON
    fail_key = _pair_key("fail", request, username)
    if counter_incr(fail_key, settings.LOGIN_FAILURE_WINDOW_S) > settings.LOGIN_FAILURE_LIMIT:
        _lock(request, username)
        return locked, settings.LOGIN_LOCKOUT_S, LOCKED_REASON
    return None


def _lock(request, username: str | None) -> None:
    """Lock the username for this address; the failure count expires with the lock.

    Not cleared: an attempt that passed the lock check just before the lock was raised
    must still find the count at the limit, or it would start again from one and reach
    the password check (found by a burst from four processes).
    """
    flag_set(_pair_key("lock", request, username), settings.LOGIN_LOCKOUT_S)
    counter_hold(_pair_key("fail", request, username), settings.LOGIN_LOCKOUT_S)


class LoginThrottleBackend:
    """An authentication backend that never signs anyone in, only refuses throttled tries."""

    def authenticate(self, request, username=None, **credentials):
        if request is None:  # the shell, management commands, the test client's login()
            return None
        refusal = login_refusal(request, username)
        if refusal is not None:
            request.login_refused = refusal
            raise PermissionDenied(refusal[0])
        return None

    # No get_user(): this backend never signs anyone in, so no session names it, and the
    # test client's force_login() passes it over for the next backend.


@receiver(user_login_failed, dispatch_uid="core.auth.count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "login_refused", None):
        return
    username = credentials.get("username")
    # The attempt was counted before the check (login_refusal); lock at the limit.
    failures = counter_value(_pair_key("fail", request, username))
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        _lock(request, username)


@receiver(user_logged_in, dispatch_uid="core.auth.clear_failures")
def _clear_failures(sender, request=None, user=None, **kwargs):
    if request is not None and user is not None:
        counter_clear(_pair_key("fail", request, user.get_username()))


class LoginThrottleMiddleware:
    """Answer a refused login attempt with 429, Retry-After and a clear message: the site's
    429 page, or the JSON error on API paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refusal = getattr(request, "login_refused", None)
        if refusal is None:
            return response
        message, retry_after, reason = refusal
        return too_many_requests(
            request,
            code="login_throttled",
            message=message,
            retry_after_s=retry_after,
            reason=reason,
        )


# Password changes and resets: POSTs to these URL names are counted per client address.
PASSWORD_URL_NAMES = frozenset(
    {
        "password_change",
        "password_reset",
        "password_reset_confirm",
        "auth_password_change",  # Django admin's own views
    }
)
THROTTLED_CHANGE_MESSAGE = (
    "Забагато спроб змінити пароль з вашої адреси; спробуйте через {minutes} хв. / Too many "
    "password change attempts from your address. Try again in {minutes} min."
)


def _is_password_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    name = match.url_name or ""
    return name in PASSWORD_URL_NAMES or "password" in (match.route or "")


class PasswordThrottleMiddleware:
    """At most PASSWORD_RATE_LIMIT password change or reset POSTs per client address per
    PASSWORD_RATE_WINDOW_S seconds (the admin's, the site's and any user's password
    form); the next answers 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not _is_password_view(request):
            return None
        key = f"password:ip:{hashed(client_address(request))}"
        if counter_hit(key, settings.PASSWORD_RATE_LIMIT, settings.PASSWORD_RATE_WINDOW_S):
            return None
        seconds = settings.PASSWORD_RATE_WINDOW_S
        return too_many_requests(
            request,
            code="password_throttled",
            message=THROTTLED_CHANGE_MESSAGE.format(minutes=max(1, seconds // 60)),
            retry_after_s=seconds,
            reason=PASSWORD_REASON,
        )
