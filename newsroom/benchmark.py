"""What `make bench` (scripts/bench) needs inside Django: enough content for a realistic mix
of URLs, a busy newsroom writing while readers read, and in-process render timings.
Nothing here runs in the site itself; the commands bench_content, bench_writer and
bench_render are its doors.

Everything the bench creates belongs to one inactive author, «مكتب اختبار الأداء» (user
``bench-desk``), and its commenters write from ``@bench.midad.invalid``: running the bench
again creates nothing twice, it never edits the demo articles, and
``manage.py bench_content --remove`` deletes all of it.
"""

import itertools
import json
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, AuthorProfile, MediaImage, Section
from comments.console import ACTIONS, decide
from comments.models import Comment, ip_hash
from live.models import LiveCoverage
from newsroom import cachetags

USERNAME = "bench-desk"
DISPLAY_NAME = "مكتب اختبار الأداء"
EMAIL_DOMAIN = "bench.midad.invalid"
DRAFT_TITLE = "مسودة مكتب اختبار الأداء"
FIRST_HOURS_AGO = 24 * 31  # older than every demo article: the home page keeps the demo's stories
HOURS_APART = 5
SECTION_EVERY = 10  # a section URL after every ten article URLs in the popularity order
UPDATE_MARK = "تحديث مباشر"
AUTOSAVE_MARK = "حفظ تلقائي"
BYPASS_COOKIE = "sessionid=bench"  # a session cookie: the whole-page cache is not used


@cache
def words() -> dict:
    return json.loads(Path(__file__).with_name("bench_words.json").read_text(encoding="utf-8"))


# --- Filler articles ---------------------------------------------------------------------------
@cache
def _title_parts() -> list[tuple[int, int, int, int]]:
    """Every (subject, verb, object, place) combination once, in a fixed shuffled order, so
    that the n-th filler article always gets the same title and no two share one."""
    w = words()
    combinations = list(
        itertools.product(
            range(len(w["subjects"])),
            range(len(w["verbs"])),
            range(len(w["objects"])),
            range(len(w["places"])),
        )
    )
    random.Random("midad-bench-titles").shuffle(combinations)
    return combinations


def filler(index: int) -> dict:
    """The title, dek, body and tags of the index-th filler article: original Arabic prose
    assembled from newsroom/bench_words.json, the same every time."""
    w = words()
    rng = random.Random(f"midad-bench-{index}")
    parts = _title_parts()
    subject_index, verb_index, object_index, place_index = parts[index % len(parts)]
    subject, gender = w["subjects"][subject_index]
    verb = w["verbs"][verb_index][gender == "f"]
    thing, place = w["objects"][object_index], w["places"][place_index]
    claim, other_claim, third_claim = rng.sample(w["claims"], 3)
    background, later_background = rng.sample(w["backgrounds"], 2)
    first_heading, second_heading = rng.sample(w["headings"], 2)

    def figure() -> str:
        return rng.choice(w["figures"]).format(n=rng.randrange(3, 95), p=rng.randrange(5, 40))

    items = "".join(f"<li>{item}.</li>" for item in rng.sample(w["list_items"], 3))
    body = (
        f"<p>{verb} {subject} {rng.choice(w['times'])} {thing} {place}، على أن يبدأ التنفيذ "
        f"{rng.choice(w['starts'])}. وقال مسؤول في {subject} إن {claim}.</p>"
        f"<p>وبحسب الأرقام الأولية، {figure()}. ويأتي ذلك بعد {background}.</p>"
        f"<h2>{first_heading}</h2>"
        f"<p>وأشار مراقبون إلى أن {other_claim}، فيما {rng.choice(w['counterclaims'])}.</p>"
        f"<p>ومن أبرز ما تضمّنه الإعلان:</p><ul>{items}</ul>"
        f"<h2>{second_heading}</h2>"
        f"<p>{figure()}، وفق ما أُعلن {rng.choice(w['times'])}. "
        f"وأكد متحدث أن {third_claim}، بعد {later_background}.</p>"
        f"<blockquote><p>«{claim}، وسنعود إلى الناس بكل التفاصيل.»</p></blockquote>"
        f"<p>وتتابع مداد هذا الملف {place} وتنشر ما يستجد تباعاً.</p>"
    )
    return {
        "title": f"{verb} {subject} {thing} {place}",
        "dek": f"{subject}: {claim}، و{rng.choice(w['counterclaims'])}.",
        "body": body,
        "tags": rng.sample(w["tags"], 2),
    }


def bench_author() -> AuthorProfile:
    user, _created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"first_name": DISPLAY_NAME, "is_active": False}
    )
    author, _created = AuthorProfile.objects.get_or_create(
        user=user,
        defaults={"display_name": DISPLAY_NAME, "bio": "حساب آلي يكتب مقالات تجريبية لقياس أداء الموقع."},
    )
    return author


def bench_articles():
    """The filler articles (published); the bench edits only these."""
    return Article.objects.filter(author__user__username=USERNAME, status=Article.Status.PUBLISHED)


def bench_comments():
    return Comment.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


@transaction.atomic
def ensure_articles(count: int) -> int:
    """Create the missing filler articles, published before any demo article; returns how many."""
    sections = list(Section.objects.all())
    if not sections:
        raise ValueError("No section yet: run `manage.py seed_demo` first.")
    author = bench_author()
    images = list(MediaImage.objects.exclude(renditions={}).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    existing = bench_articles().count()
    for index in range(existing, count):
        data = filler(index)
        article = Article(
            section=sections[index % len(sections)],
            author=author,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(hours=FIRST_HOURS_AGO + HOURS_APART * index),
            featured_image_id=images[index % len(images)] if images else None,  # the demo's pictures
        )
        article.set_current_language("ar")
        article.title, article.dek, article.body = data["title"], data["dek"], data["body"]
        article.save()
        article.tags.set(data["tags"])
    return max(0, count - existing)


def ensure_draft() -> Article:
    """The one draft the busy newsroom keeps saving (never public)."""
    author = bench_author()
    draft = Article.objects.filter(author=author, status=Article.Status.DRAFT).first()
    if draft is None:
        draft = Article(section=Section.objects.first(), author=author, status=Article.Status.DRAFT)
        draft.set_current_language("ar")
        data = filler(len(_title_parts()) - 1)
        draft.title, draft.dek, draft.body = DRAFT_TITLE, data["dek"], data["body"]
        draft.save()
    return draft


def ensure_pending_comments(count: int) -> int:
    """At least `count` pending comments on filler articles, for the writer to approve."""
    missing = count - bench_comments().pending().count()
    article_ids = list(bench_articles().values_list("pk", flat=True))
    if missing <= 0 or not article_ids:
        return 0
    w, rng = words(), random.Random()
    start = bench_comments().count()
    Comment.objects.bulk_create(
        Comment(
            article_id=rng.choice(article_ids),
            name=rng.choice(w["commenters"]),
            email=f"reader{number}@{EMAIL_DOMAIN}",
            text=rng.choice(w["comments"]),
            status=Comment.Status.PENDING,
            held_reason="كل التعليقات تُراجع",
            ip_hash=ip_hash(f"198.51.100.{number % 250}"),
        )
        for number in range(start, start + missing)
    )
    return missing


def remove_all() -> dict[str, int]:
    """Delete everything the bench created (its articles take their comments with them)."""
    with transaction.atomic():
        comments = bench_comments().delete()[0]
        articles = Article.objects.filter(author__user__username=USERNAME).delete()[0]
        people = get_user_model().objects.filter(username=USERNAME).delete()[0]  # and the author
    return {"articles and their rows": articles, "comments": comments, "author": people}


# --- URLs ---------------------------------------------------------------------------------------
def popularity_order() -> list[str]:
    """Home, then every published article in a fixed shuffled order with the sections spread
    among them: rank 1 is read most. Demo and filler articles are mixed at every rank."""
    with translation.override(settings.LANGUAGE_CODE):
        articles = [
            article.get_absolute_url()
            for article in Article.objects.published().prefetch_related("translations").order_by("pk")
        ]
        sections = [
            section.get_absolute_url() for section in Section.objects.prefetch_related("translations")
        ]
        home = reverse("articles:home")
    random.Random("midad-bench-ranks").shuffle(articles)
    urls = [home]
    for position, url in enumerate(articles):
        if sections and position % SECTION_EVERY == 1:
            urls.append(sections.pop(0))
        urls.append(url)
    return urls + sections


def sample_urls() -> dict[str, str]:
    """The single URLs the bench measures: the newest article (a demo story with comments),
    the first section, and the poll endpoint of a live coverage as its open pages ask it."""
    with translation.override(settings.LANGUAGE_CODE):
        article = Article.objects.published().order_by("-publish_at", "-pk").first()
        section = Section.objects.first()
        coverage = LiveCoverage.objects.public().filter(state=LiveCoverage.State.LIVE).first()
        poll = reverse("live:updates", kwargs={"pk": coverage.pk}) if coverage else ""
        return {
            "article": article.get_absolute_url() if article else "",
            "section": section.get_absolute_url() if section else "",
            "live": f"{poll}?after={coverage.cursor}" if coverage else "",
        }


# --- The busy newsroom ------------------------------------------------------------------------
@dataclass
class Job:
    """One kind of newsroom write, done every `every` seconds."""

    name: str
    every: float
    action: Callable[[int], None]
    due: float = 0.0
    done: int = 0
    failed: int = 0
    seconds: list[float] = field(default_factory=list)
    first_error: str = ""

    def summary(self) -> str:
        timing = (
            f", median {statistics.median(self.seconds) * 1000:.0f} ms, max {max(self.seconds) * 1000:.0f} ms"
            if self.seconds
            else ""
        )
        failed = f", {self.failed} FAILED (first: {self.first_error})" if self.failed else ""
        return f"{self.name:<27} {self.done:4d} (one every {self.every:g} s){timing}{failed}"


def _with_mark(body: str, mark: str, text: str) -> str:
    """`body` with its paragraph that starts with `mark` replaced by a new one at the end."""
    body = re.sub(rf"\s*<p>{mark}[^<]*</p>\s*$", "", body or "")
    return f"{body}<p>{mark}: {text}</p>"


class Newsroom:
    """Journalists, editors and a moderator at work, through the same model saves and
    services as the admin and the moderation console, so every signal and expiry fires."""

    def __init__(self, ranked_urls: list[str], rng: random.Random):
        self.rng = rng
        self.draft = ensure_draft()
        User = get_user_model()
        self.moderator = (
            User.objects.filter(username="moderator").first()
            or User.objects.filter(is_superuser=True).first()
        )
        with translation.override(settings.LANGUAGE_CODE):
            by_url = {
                article.get_absolute_url(): article.pk
                for article in bench_articles().prefetch_related("translations")
            }
        # Editors update the stories readers read most: weighted 1/rank, the readers' default skew.
        ranked = [(rank, by_url[url]) for rank, url in enumerate(ranked_urls, 1) if url in by_url]
        if not ranked:
            raise ValueError("No filler article among the URLs: run `manage.py bench_content` first.")
        self.editable = [pk for _rank, pk in ranked]
        self.weights = [1 / rank for rank, _pk in ranked]

    def save_draft(self, number: int) -> None:
        draft = Article.objects.get(pk=self.draft.pk)
        draft.set_current_language("ar")
        draft.body = _with_mark(draft.body, AUTOSAVE_MARK, f"النسخة {number}، {timezone.now():%H:%M:%S}")
        draft.save()

    def edit_published(self, number: int) -> None:
        article = Article.objects.get(pk=self.rng.choices(self.editable, weights=self.weights)[0])
        article.set_current_language("ar")
        article.body = _with_mark(article.body, UPDATE_MARK, f"التحديث {number}، {timezone.now():%H:%M:%S}")
        article.save()

    def approve_comment(self, number: int) -> None:
        comment = bench_comments().pending().order_by("created_at", "pk").first()
        if comment is None:
            ensure_pending_comments(1)
            comment = bench_comments().pending().order_by("created_at", "pk").first()
        decide([comment], ACTIONS["approve"], self.moderator)  # what the console's «قبول» does

    def jobs(self) -> list[Job]:
        return [
            Job("drafts saved", 0.5, self.save_draft),
            Job("published articles edited", 5, self.edit_published),
            Job("comments approved", 2, self.approve_comment),
        ]


def run_newsroom(newsroom: Newsroom, seconds: float) -> list[Job]:
    """Do each job on its schedule until `seconds` have passed (a slow job skips the turns it
    missed rather than catching up in a burst)."""
    jobs = newsroom.jobs()
    start = time.monotonic()
    deadline = start + seconds
    for job in jobs:
        job.due = start
    limit = sum(int(seconds / job.every) + 1 for job in jobs)  # a bound on the loop besides time
    for _turn in range(limit):
        job = min(jobs, key=lambda job: job.due)
        if job.due >= deadline:
            break
        if (wait := job.due - time.monotonic()) > 0:
            time.sleep(wait)
        began = time.monotonic()
        try:
            job.action(job.done + job.failed + 1)
            job.done += 1
        except Exception as error:  # keep writing: the report says what failed
            job.failed += 1
            job.first_error = job.first_error or f"{type(error).__name__}: {error}"[:200]
            if not connection.in_atomic_block:
                close_old_connections()  # a broken connection is replaced by the next query
        job.seconds.append(time.monotonic() - began)
        job.due = max(job.due + job.every, time.monotonic())
    return jobs


# --- Render timings ------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Timing:
    """Seconds each render of `path` took, cold and warm, and the queries of one of each."""

    path: str
    cold: list[float]
    warm: list[float]
    cold_queries: int
    warm_queries: int

    def milliseconds(self) -> tuple[float, float, float, float]:
        """Median and 95th percentile, cold then warm."""
        return tuple(
            1000 * statistic
            for times in (self.cold, self.warm)
            for statistic in (statistics.median(times), percentile(times, 0.95))
        )


class BenchClient(Client):
    """A test client of the site's own host (HTTPS when the settings redirect to it) that
    times GETs in this process."""

    def __init__(self):
        super().__init__(
            HTTP_HOST=next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
        )
        self.https = getattr(settings, "SECURE_SSL_REDIRECT", False)

    def timed_get(self, path: str, cookie: str = BYPASS_COOKIE) -> float:
        """Seconds a 200 answer to `path` took; the default cookie bypasses the whole-page
        cache (a logged-in client passes "" to send its own session)."""
        headers = {"HTTP_COOKIE": cookie} if cookie else {}
        began = time.perf_counter()
        response = self.get(path, secure=self.https, **headers)
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise ValueError(f"{path} answered {response.status_code}")
        return elapsed


def time_renders(paths: list[str], iterations: int) -> list[Timing]:
    """Render each path in this process, bypassing the whole-page cache with a session cookie:
    `iterations` times with the cache cleared before each (cold), then as often with the
    fragments it cached left in place (warm)."""
    client = BenchClient()

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.timed_get(path)
        return len(captured)

    timings = []
    for path in paths:
        cold = []
        for _ in range(iterations):
            cachetags.clear()
            cold.append(client.timed_get(path))
        cachetags.clear()
        cold_queries = queries(path)
        client.timed_get(path)
        warm = [client.timed_get(path) for _ in range(iterations)]
        timings.append(Timing(path, cold, warm, cold_queries, queries(path)))
    return timings
