"""What load balancers, orchestrators and Prometheus ask of each host, and what every request
leaves for them.

`OperationsMiddleware` is the first middleware. It answers /healthz, /readyz and /metrics
(newsroom/metrics.py) before the HTTPS redirect, the host check, the page cache, sessions and
CSRF: a health check arrives over plain HTTP, at an address ALLOWED_HOSTS need not list, and
its answer must never be cached. Every other request is timed, by view, and its log lines carry
its request id (newsroom/logs.py).

- /healthz: the process answers (no I/O at all). For liveness checks: restart when it fails.
- /readyz: the databases and the cache answer, and every migration is applied; otherwise 503
  with the reasons in JSON. For load balancers: send no traffic while it fails. The cache
  counts although pages still work without it (newsroom/cache_backend.py): every page is
  then rendered afresh, which a site sized for cached traffic cannot sustain for long. Since
  all hosts share one Redis, configure the load balancer to keep sending to every host when
  none is ready (AWS ALB does so by itself).
"""

import os
import threading
import time

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from newsroom import logs, metrics


class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            return never_cached(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"))
        if path == "/readyz":
            return readyz()
        if path == "/metrics" and metrics.enabled():
            return metrics.metrics(request)
        started = time.perf_counter()
        with logs.request_id_of(request):
            response = self.get_response(request)
        metrics.REQUEST_SECONDS.labels(view=view_name(request, response)).observe(
            time.perf_counter() - started
        )
        return response


def view_name(request, response) -> str:
    """The URL name of the view that answered ("articles:detail"), "page-cache" for a page the page
    cache answered before any view, "unresolved" for other answers without one (a redirect of a
    middleware, an address no URL matches)."""
    if match := getattr(request, "resolver_match", None):
        return match.view_name
    return "page-cache" if response.get("X-Page-Cache") == "hit" else "unresolved"


def never_cached(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def readyz() -> HttpResponse:
    problems = readiness_problems()
    return never_cached(
        JsonResponse({"ready": not problems, "problems": problems}, status=503 if problems else 200)
    )


def readiness_problems() -> dict[str, str]:
    """What keeps this host from serving, by what it concerns; empty when it is ready."""
    problems = {}
    for connection in connections.all():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as error:
            problems[f"database {connection.alias}"] = f"unreachable ({type(error).__name__})"
    if "database default" not in problems and (missing := migrations.missing()):
        problems["migrations"] = f"{len(missing)} not applied, the first {missing[0]}"
    if not cache_answers():
        problems["cache"] = "a value written to it could not be read back"
    return problems


class Migrations:
    """Which migrations on disk the database lacks. Loading them from disk takes a while, so a
    process asks until the answer is "none", then knows: its code no longer changes."""

    all_applied = False

    def missing(self) -> list[str]:
        if self.all_applied:
            return []
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
        self.all_applied = not names
        return names


migrations = Migrations()


def cache_answers() -> bool:
    """Whether the cache keeps what it is given: reads of the Redis cache fail soft
    (newsroom/cache_backend.py), so only a round trip tells a dead server from an empty one."""
    key = f"readyz:{os.getpid()}:{threading.get_ident()}"  # no other probe writes it meanwhile
    written = str(time.time_ns())
    try:
        cache.set(key, written, 30)
        return cache.get(key) == written
    except Exception:  # whatever a cache backend raises, it did not answer
        return False
