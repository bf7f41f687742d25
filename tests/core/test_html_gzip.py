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


def test_the_api_keeps_its_strong_etag(client, territory):
    """Only HTML: GZipMiddleware would weaken the ETag an address's If-Match is checked
    against, and the API's JSON is gzipped by RevalidatedApiMiddleware already."""
    response = client.get("/api/v1/settlements/", headers=GZIP)
    assert response.status_code == 200
    assert not response["ETag"].startswith("W/")
