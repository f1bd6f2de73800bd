"""deploy/nginx.conf, run by a real nginx (skipped where none is installed) on loopback ports."""

import http.client
import shutil

import pytest

from tests import servers
from tests.servers import free_port

pytestmark = pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")


@pytest.fixture
def nginx(tmp_path):
    """deploy/nginx.conf in front of an app that echoes the X-Forwarded-Proto it gets; 127.0.0.2
    plays the load balancer listed as trusted. Returns the port nginx listens on."""
    app_port = free_port()
    echo = f'server {{ listen 127.0.0.1:{app_port}; location / {{ return 200 "$http_x_forwarded_proto"; }} }}'
    with servers.nginx(tmp_path, [f"127.0.0.1:{app_port}"], trusted="127.0.0.2", http=echo) as port:
        yield port


def scheme_the_app_sees(port, forwarded_proto, source="127.0.0.1") -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    connection.request("GET", f"/{source}/{forwarded_proto}", headers={"X-Forwarded-Proto": forwarded_proto})
    return connection.getresponse().read().decode()


def test_a_reader_cannot_pass_plain_http_off_as_https(nginx):
    assert scheme_the_app_sees(nginx, "https") == "http"


def test_the_trusted_load_balancer_tells_the_scheme_but_nothing_else(nginx):
    assert scheme_the_app_sees(nginx, "https", source="127.0.0.2") == "https"
    assert scheme_the_app_sees(nginx, "gopher", source="127.0.0.2") == "http"
