"""Small request helpers shared by the pages and the APIs."""


def client_ip(request) -> str:
    """The client's address as the WSGI server saw it (REMOTE_ADDR).

    Behind a reverse proxy every client would share the proxy's address, so the rate limit
    needs the proxy to hand the real address to the WSGI server as REMOTE_ADDR.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"
