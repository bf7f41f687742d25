"""Small request helpers shared by the pages and the APIs."""

from layers.http import client_address


def client_ip(request) -> str:
    """The client's address (REMOTE_ADDR, or X-Forwarded-For behind trusted proxies)."""
    return client_address(request)
