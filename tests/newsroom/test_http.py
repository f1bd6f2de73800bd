from django.test import RequestFactory

from newsroom.http import client_ip


def request_from(peer, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_without_proxies_the_peer_address_is_the_client_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_a_forged_header_does_not_change_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The reader sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it really saw.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_behind_a_load_balancer_and_nginx_the_client_is_two_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
