"""HTML pages are gzipped for a client that accepts gzip (core.http.HtmlGZipMiddleware):
a rural line carries a third of the bytes before the page's own requests can start. The
API's JSON keeps its own gzip and strong ETag; a client without gzip gets plain HTML."""

import gzip

import pytest

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_a_browser_and_reads_the_same(client, territory):
    plain = client.get("/reports/new/")
    zipped = client.get("/reports/new/", headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    page = gzip.decompress(zipped.content).decode()
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page


def test_an_error_page_is_gzipped_too(client, territory):
    response = client.get("/no-such-page/", headers=GZIP)
    assert response.status_code == 404
    assert response["Content-Encoding"] == "gzip"
    assert "</html>" in gzip.decompress(response.content).decode()


def test_only_html_is_gzipped_and_a_view_s_etag_elsewhere_stays_strong(rf):
    """GZipMiddleware makes an ETag weak; an address's ETag (its version, checked by
    If-Match) must stay as the view set it, so only text/html is touched."""
    from django.http import HttpResponse, JsonResponse

    from core.http import HtmlGZipMiddleware

    body = {"street": "Шевченка", "number": "12", "notes": "x" * 400}
    middleware = HtmlGZipMiddleware(lambda request: None)
    request = rf.get("/api/v1/addresses/1/", headers=GZIP)
    data = JsonResponse(body)
    data["ETag"] = '"7"'
    data = middleware.process_response(request, data)
    assert data["ETag"] == '"7"' and not data.has_header("Content-Encoding")
    page = HttpResponse("<!DOCTYPE html><p>" + "Шевченка " * 100, content_type="text/html")
    page = middleware.process_response(request, page)
    assert page["Content-Encoding"] == "gzip"
