"""Gunicorn settings, read from the environment."""

import gc
import glob
import multiprocessing
import os
import re
import shutil
import tempfile


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20

# No recycling by default: at thousands of requests per second, recycling every N requests
# restarts a worker every few seconds, each time a p99 spike (a cold process, its connections
# and caches lost). Set GUNICORN_MAX_REQUESTS only to contain a memory leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Load Django once in the master and fork the workers from it: they share its memory pages
# (copy-on-write) and start at once. Safe here: loading opens no database or cache
# connection (Django opens them lazily, in each worker); with DATABASE_URL unset the master
# only starts or joins the embedded server. GUNICORN_PRELOAD=0 loads the app in each worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in ("0", "false", "no", "off")


def pre_fork(server, worker):
    """What the master loaded (Django, the project) is left out of the workers' garbage
    collections: a full collection walked all of it, tens of milliseconds that showed in the
    p99, and wrote to its memory pages, which then stopped being shared with the master."""
    gc.freeze()


# Gunicorn's control socket (gunicornc) defaults to one path per user, which a second master
# on the same host (`make serve` next to `make bench`, a test server) would take over and
# then delete. Each instance gets its own, named after its address, unless
# GUNICORN_CONTROL_SOCKET names one; GUNICORN_CONTROL_SOCKET=off turns it off.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control.lower() in ("0", "off", "false", "no", "none"):
    control_socket_disable = True
else:
    _runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    _folder = _runtime if _runtime and os.path.isdir(_runtime) else os.path.expanduser("~/.gunicorn")
    _name = re.sub(r"[^\w.-]", "_", bind)  # 127.0.0.1:8000 -> gunicorn-127.0.0.1_8000.ctl
    control_socket = _control or os.path.join(_folder, f"gunicorn-{_name}.ctl")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus metrics of every worker (newsroom/metrics.py): each process writes its samples to
# files in PROMETHEUS_MULTIPROC_DIR, which /metrics adds up. Set here, before the app (and
# prometheus_client with it) is loaded. A folder given is emptied, as samples of an earlier run
# would count again; without one, each instance gets its own temporary folder.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
_own_metrics_dir = not _metrics_dir
if _own_metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="midad-metrics-")
else:
    os.makedirs(_metrics_dir, exist_ok=True)
    for _stale in glob.glob(os.path.join(_metrics_dir, "*.db")):
        os.remove(_stale)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


# LOG_FORMAT=json: gunicorn's own lines (its access log too) as JSON, like the site's.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "newsroom.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            name: {"handlers": ["console"], "level": "INFO", "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }
