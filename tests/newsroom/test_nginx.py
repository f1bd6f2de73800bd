"""deploy/nginx.conf, run by a real nginx (skipped where none is installed) on loopback ports."""

import http.client
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")


@pytest.fixture
def nginx(tmp_path):
    """deploy/nginx.conf in front of an app that echoes the X-Forwarded-Proto it gets; 127.0.0.2
    plays the load balancer listed as trusted. Returns the port nginx listens on."""
    port, app_port = free_port(), free_port()
    site = (ROOT / "deploy/nginx.conf").read_text()
    for deployed, here in {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "http://web:8000": f"http://127.0.0.1:{app_port}",
        "/etc/nginx/midad/cache.conf": str(ROOT / "deploy/nginx-cache.conf"),
        "/var/cache/nginx/midad": str(tmp_path / "cache"),
        "# 10.0.0.0/8 1;": "127.0.0.2 1;",
    }.items():
        assert deployed in site
        site = site.replace(deployed, here)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
        user root;  # ignored unless nginx starts as root; then its workers may write in tmp_path
        daemon off;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log warn;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            include {tmp_path}/site.conf;
            server {{
                listen 127.0.0.1:{app_port};
                location / {{ return 200 "$http_x_forwarded_proto"; }}
            }}
        }}
    """)
    process = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def scheme_the_app_sees(port, forwarded_proto, source="127.0.0.1") -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    connection.request("GET", f"/{source}/{forwarded_proto}", headers={"X-Forwarded-Proto": forwarded_proto})
    return connection.getresponse().read().decode()


def test_a_reader_cannot_pass_plain_http_off_as_https(nginx):
    assert scheme_the_app_sees(nginx, "https") == "http"


def test_the_trusted_load_balancer_tells_the_scheme_but_nothing_else(nginx):
    assert scheme_the_app_sees(nginx, "https", source="127.0.0.2") == "https"
    assert scheme_the_app_sees(nginx, "gopher", source="127.0.0.2") == "http"
