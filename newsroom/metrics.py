"""What the site counts for Prometheus, and the /metrics page a Prometheus server scrapes.

Each gunicorn worker is a process of its own. With PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py
sets it) every process writes its samples to files there, and /metrics adds up those of all the
workers of this host: scrape every host. Without it (runserver, tests) the process's own.

The task queue lives in PostgreSQL, shared by every host: its depth is read when scraped.
"""

import hmac
import os

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_SECONDS = Histogram(
    "midad_request_seconds",
    "Time from the first middleware to the response, by view (page-cache hits: 'page-cache').",
    ["view"],
    # A page-cache hit takes about a millisecond; a page rendered afresh tens of them.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "midad_page_cache_lookups", "Anonymous page requests looked up in the page cache, by result", ["result"]
)
PAGE_CACHE_HITS, PAGE_CACHE_MISSES = PAGE_CACHE.labels(result="hit"), PAGE_CACHE.labels(result="miss")
COMMENT_POSTS = Counter(
    "midad_comment_posts",
    "Comments readers posted, by the moderation policy's verdict "
    "(approved, pending, refused, discarded: a bot told it worked)",
    ["outcome"],
)


def task_queue() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
    """How many background tasks wait to run now, and for how long the oldest has, by queue:
    a queue that only grows means no worker is running."""
    from django_tasks_db.models import DBTaskResult  # a model: not importable before Django is set up

    depth = GaugeMetricFamily(
        "midad_task_queue_depth", "Background tasks due and not started", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "midad_task_queue_oldest_seconds", "Age of the oldest task due and not started", labels=["queue"]
    )
    now = timezone.now()
    waiting = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(tasks=Count("pk"), since=Min("enqueued_at"))
    )
    found = {row["queue_name"]: row for row in waiting}
    for queue in sorted({"default", *found}):
        row = found.get(queue, {"tasks": 0, "since": now})
        depth.add_metric([queue], row["tasks"])
        oldest.add_metric([queue], (now - row["since"]).total_seconds())
    return depth, oldest


class Scrape:
    """What one scrape shows: the samples of every process of this host, and the task queue."""

    def collect(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            yield from MultiProcessCollector(None).collect()
        else:
            yield from REGISTRY.collect()
        yield from task_queue()


def enabled() -> bool:
    """Whether /metrics exists: in production only with a METRICS_TOKEN to guard it."""
    return bool(settings.METRICS_TOKEN) or settings.DEBUG


def metrics(request):
    """The metrics, for whoever shows METRICS_TOKEN as a bearer token (Prometheus's
    `authorization` setting); without one set, for anyone in development (see `enabled`)."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and not hmac.compare_digest(offered.encode(), token.encode()):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    else:
        response = HttpResponse(generate_latest(Scrape()), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
