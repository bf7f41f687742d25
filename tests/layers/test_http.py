"""The client address used by rate limits: REMOTE_ADDR, or X-Forwarded-For behind proxies."""

import pytest
from django.test import RequestFactory

from core.http import client_address


@pytest.fixture
def request_from():
    def make(remote="10.0.0.1", forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    return make


def test_without_trusted_proxies_the_header_is_ignored(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(forwarded="203.0.113.9")) == "10.0.0.1"


def test_behind_one_proxy_the_last_hop_is_the_client(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(forwarded="1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_a_client_cannot_spoof_its_address_by_prepending_hops(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from(forwarded="6.6.6.6, 198.51.100.7, 192.0.2.1")
    assert client_address(request) == "198.51.100.7"


def test_behind_a_proxy_without_the_header_remote_addr_is_used(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(forwarded=None)) == "10.0.0.1"
