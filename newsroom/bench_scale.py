"""What `make bench-scale` (scripts/bench-scale) measures inside Django, once on the demo and
once on the large archive of ``manage.py seed_bench``, in the same sitting: the server time of
the pages whose cost could grow with the archive, in this process (benchmark.BenchClient).

- the home page and a demo article with the whole-page cache bypassed (fragments warm);
- reader search, for one-word, two-word, prefix and misspelt queries from the demo's words;
- the admin's article list and the moderation console's pending tab, logged in;
- sitemap.xml, which past 50,000 URLs must be a sitemap index.

``measure()`` returns the figures as a dict (saved as JSON); ``compare()`` sets those of the
archive against the demo's and says which targets were met.
"""

import itertools
import random
import statistics
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from articles.demo import load_articles
from articles.models import Article
from comments.models import Comment
from newsroom import cachetags
from newsroom.arabic import words
from newsroom.bench_archive import Corpus
from newsroom.benchmark import BYPASS_COOKIE, BenchClient, percentile, sample_urls

SEARCH_KINDS = ("one-word", "two-word", "prefix", "misspelt")
PAGE_RATIO = 1.2  # the archive's page may take this much of the demo's time, no more
SEARCH_P95_MS = 150
STAFF_P95_MS = 300
SITEMAP_INDEX_PAST = 50_000


def search_queries(per_kind: int, rng: random.Random) -> dict[str, list[str]]:
    """`per_kind` different queries of each kind, in words readers of the demo would type."""
    titles = [words(demo.title) for demo in load_articles()]
    long_words = sorted({word for title in titles for word in title if len(word) >= 6})
    pairs = sorted({" ".join(pair) for title in titles for pair in itertools.pairwise(title)})

    def misspelt(word: str) -> str:
        at = rng.randrange(2, len(word) - 1)
        return word[:at] + word[at + 1 :]  # one letter left out

    kinds = {
        "one-word": Corpus.load().tags,
        "two-word": pairs,
        "prefix": sorted({word[:4] for word in long_words}),
        "misspelt": [misspelt(word) for word in long_words],
    }
    return {kind: rng.sample(queries, min(per_kind, len(queries))) for kind, queries in kinds.items()}


def _summary(seconds: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "count": len(seconds),
    }


def _logged_in(username: str | None, **filters) -> BenchClient:
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User.objects.filter(**filters).first()
    if user is None:
        raise ValueError("No staff account: run `manage.py seed_demo` first.")
    client = BenchClient()
    client.force_login(user)
    return client


def measure(article: str = "", iterations: int = 15, per_kind: int = 40) -> dict:
    """Every figure of one run. Clears the cache first, so that both runs start alike."""
    cachetags.clear()
    rng = random.Random("midad-bench-scale")
    with translation.override(settings.LANGUAGE_CODE):
        article = article or sample_urls()["article"]
        reader = BenchClient()
        admin = _logged_in("admin", is_superuser=True)
        moderator = _logged_in("moderator", is_superuser=True)
        pages = {
            "home-nc": reverse("articles:home"),
            "article-nc": article,
        }
        staff = {
            "admin-articles": (admin, reverse("admin:articles_article_changelist")),
            "console-pending": (moderator, reverse("comments:queue") + "?tab=pending"),
        }
        search = reverse("articles:search")
        sitemap = reverse("sitemap")

    def warm(client: BenchClient, path: str, cookie: str = BYPASS_COOKIE) -> list[float]:
        client.timed_get(path, cookie)  # the fragments it shows are cached now
        return [client.timed_get(path, cookie) for _ in range(iterations)]

    figures = {"article": article, "articles": Article.objects.count(), "comments": Comment.objects.count()}
    for name, path in pages.items():
        figures[name] = _summary(warm(reader, path))
    for kind, queries in search_queries(per_kind, rng).items():
        figures[f"search {kind}"] = _summary(
            [reader.timed_get(f"{search}?q={quote(query)}") for query in queries]
        )
    for name, (client, path) in staff.items():
        figures[name] = _summary(warm(client, path, ""))
    began = time.perf_counter()
    response = reader.get(sitemap, HTTP_COOKIE=BYPASS_COOKIE, secure=reader.https)
    seconds = time.perf_counter() - began
    root = ET.fromstring(response.content)
    figures["sitemap"] = {
        "root": root.tag.rpartition("}")[2],
        "entries": len(root),
        "ms": round(seconds * 1000),
    }
    return figures


def compare(demo: dict, archive: dict) -> tuple[list[str], int, int]:
    """Lines of the report, and how many targets were met out of how many."""
    lines, met, checked = [], 0, 0

    def judge(ok: bool, target: str) -> str:
        nonlocal met, checked
        checked += 1
        met += ok
        return f"{target} {'ok' if ok else 'MISSED'}"

    lines.append(f"{'':<18}{'demo p50':>10}{'p95':>8}{'archive p50':>13}{'p95':>8}{'ratio p50':>11}   target")
    for name in (
        "home-nc",
        "article-nc",
        *(f"search {k}" for k in SEARCH_KINDS),
        "admin-articles",
        "console-pending",
    ):
        before, after = demo[name], archive[name]
        ratio = after["median_ms"] / before["median_ms"]
        if name in ("home-nc", "article-nc"):
            verdict = judge(ratio < PAGE_RATIO, f"ratio < {PAGE_RATIO}")
        elif name.startswith("search"):
            verdict = judge(after["p95_ms"] < SEARCH_P95_MS, f"p95 < {SEARCH_P95_MS} ms")
        else:
            verdict = judge(after["p95_ms"] < STAFF_P95_MS, f"p95 < {STAFF_P95_MS} ms")
        lines.append(
            f"{name:<18}{before['median_ms']:>10.1f}{before['p95_ms']:>8.1f}"
            f"{after['median_ms']:>13.1f}{after['p95_ms']:>8.1f}{ratio:>11.2f}   {verdict}"
        )
    sitemap = archive["sitemap"]
    expected = "sitemapindex" if archive["articles"] > SITEMAP_INDEX_PAST else "urlset"
    lines.append(
        f"sitemap.xml: demo a {demo['sitemap']['root']} of {demo['sitemap']['entries']}, archive a "
        f"{sitemap['root']} of {sitemap['entries']} in {sitemap['ms']} ms; "
        + judge(sitemap["root"] == expected, f"{expected} expected")
    )
    return lines, met, checked
