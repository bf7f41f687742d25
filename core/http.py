"""Request helpers shared by every app."""

from django.conf import settings


def client_address(request) -> str:
    """Return the client's IP address, for rate limits and lock-outs.

    Without proxies (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N trusted reverse
    proxies, each appends the address it saw to X-Forwarded-For, so the client is the
    N-th entry from the right; entries further left were written by the client and are
    not trusted. A header shorter than expected falls back to its leftmost entry.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies > 0 and hops:
        return hops[-min(proxies, len(hops))][:64]
    return request.META.get("REMOTE_ADDR") or "unknown"
