"""Content-Security-Policy with a per-request nonce (Django 5.2 has no built-in CSP).

The middleware gives every request an unguessable `request.csp_nonce` (the attribute name
django-csp uses, so templates would not change if we moved to it) and, when the
CONTENT_SECURITY_POLICY setting is a non-empty dict, sends the policy with the nonce in
`script-src`. Every inline <script> of our pages carries `nonce="{{ request.csp_nonce }}"`;
scripts loaded from our static files need no nonce ('self').

The policy is read at response time, so tests can switch it on with the settings fixture.
"""

import secrets
from contextvars import ContextVar

from django.conf import settings

# For templates rendered without the request (form widgets such as the admin map).
_current_nonce: ContextVar[str] = ContextVar("csp_nonce", default="")


def current_nonce() -> str:
    """Return the nonce of the request being answered in this thread ("" outside one)."""
    return _current_nonce.get()


def policy_header(policy: dict[str, list[str]], nonce: str) -> str:
    """Render {directive: [sources]} as a header value, filling in the nonce placeholder."""
    parts = []
    for directive, sources in policy.items():
        values = [
            source.format(nonce=nonce) if "{nonce}" in source else source for source in sources
        ]
        parts.append(" ".join([directive, *values]).strip())
    return "; ".join(parts)


def fresh_policy_header() -> str | None:
    """The policy header with a new nonce, for an answer written outside the middleware
    (layers.ogc.replay); None when no policy is set."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    return policy_header(policy, secrets.token_urlsafe(18)) if policy else None


class ContentSecurityPolicyMiddleware:
    """Set `request.csp_nonce`; send Content-Security-Policy when the setting asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        token = _current_nonce.set(request.csp_nonce)
        try:
            response = self.get_response(request)
        finally:
            _current_nonce.reset(token)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_header(policy, request.csp_nonce)
        return response
