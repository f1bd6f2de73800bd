"""A large archive on demand (``manage.py seed_bench``), for measuring Midad at scale.

Years of a newsroom's output, written straight into the tables with PostgreSQL's COPY (model
saves would take hours): articles in every section by a few dozen writers, spread over
``YEARS`` years, most published and some drafts, in review, archived or scheduled; Arabic
text, a few in English too (parler translation rows); tags with a skewed popularity; the
demo's pictures shared as featured images; comments threaded into replies, mostly approved,
some pending, spam or rejected, crowded on a few popular stories; hourly views for "most read".

The text is new prose in the demo articles' own words: a word-pair (Markov) chain over
articles/demo_content gives real Arabic word frequencies, so search meets what a real
archive holds, common words in thousands of articles and rare ones in few.

What a model's ``save()`` computes (search columns, reading time, slug) is computed here the
same way; columns left out get their field's default, so a new field does not break the load.
Signals do not run, so the end of the load expires what the new articles joined
(newsroom.expiry.archive_loaded).

The archive's writers are users named ``archive-writer-<n>``: their presence means the archive
was seeded, and the command refuses to seed it twice (recreate the database to start over).
"""

import itertools
import math
import multiprocessing
import os
import random
import re
import time
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.html import strip_tags

from articles.demo import load_articles
from articles.models import (
    WORDS_PER_MINUTE,
    Article,
    ArticleTranslation,
    ArticleViewCount,
    AuthorProfile,
    MediaImage,
    SearchEntry,
    Section,
    Tag,
    TaggedArticle,
)
from comments.models import Comment, ip_hash
from newsroom import planner
from newsroom.arabic import normalize, unicode_slug
from newsroom.benchmark import words
from newsroom.expiry import archive_loaded

WRITER_PREFIX = "archive-writer-"
EMAIL_DOMAIN = "archive.midad.invalid"
YEARS = 6
WRITERS = 40
READERS = 20_000  # distinct commenters, who come back
TAGS = 600  # from the corpus's most frequent nouns, besides the demo's tags
ENGLISH_SHARE = 0.05  # articles that also have an English translation
IMAGE_SHARE = 0.85  # articles with a featured image (one of the demo's)
REPLY_SHARE = 0.3  # comments answering an earlier approved comment of the same article
COMMENT_DAYS = 30  # most comments come in the first days; none after this
VIEW_HOURS = 48  # hourly views of the newest articles, for "most read"
VIEWED_ARTICLES = 300
STATUSES = {  # an article's status (scheduled: published with a time to come) and its share
    "published": 0.955,
    "draft": 0.02,
    "review": 0.01,
    "archived": 0.01,
    "scheduled": 0.005,
}
COMMENT_STATUSES = {"approved": 0.86, "pending": 0.06, "spam": 0.05, "rejected": 0.03}
HELD_REASON = "كل التعليقات تُراجع"
WORD_RE = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?؟]$")
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


# --- Text ---------------------------------------------------------------------------------------
class Chain:
    """A word-pair Markov chain: each word is followed by a word that followed it in the corpus,
    as often as it did there, so generated text keeps the corpus's word frequencies."""

    def __init__(self, paragraphs: Iterable[str]):
        self.starts: list[str] = []
        self.next: dict[str, list[str]] = {}
        for paragraph in paragraphs:
            tokens = [token for token in paragraph.split() if not set(token) & set("<>&")]
            for previous, token in itertools.pairwise([".", *tokens]):
                if SENTENCE_END.search(previous):
                    self.starts.append(token)
                else:
                    self.next.setdefault(previous, []).append(token)

    def sentence(self, rng: random.Random, max_words: int = 30) -> str:
        word = rng.choice(self.starts)
        sentence = [word]
        for _ in range(max_words):
            if SENTENCE_END.search(word) or not (followers := self.next.get(word)):
                break
            word = rng.choice(followers)
            sentence.append(word)
        text = " ".join(sentence).rstrip("،,:؛")
        return text if SENTENCE_END.search(text) else text + "."

    def phrase(self, rng: random.Random, low: int, high: int) -> str:
        """A title or heading: the start of a sentence, `low` to `high` words, no final stop."""
        sentence = self.sentence(rng).split()
        return " ".join(sentence[: rng.randint(low, high)]).rstrip(".،,:؛!?؟")


@dataclass
class Corpus:
    arabic: Chain
    english: Chain
    tags: list[str]  # the demo's tags first, then frequent nouns of the corpus

    @classmethod
    def load(cls) -> "Corpus":
        demos = load_articles()
        arabic = [strip_tags(p) for demo in demos for p in PARAGRAPH.findall(demo.body)]
        english = [strip_tags(p) for demo in demos if demo.en for p in PARAGRAPH.findall(demo.en.body)]
        nouns = Counter(word.strip('.،,:؛!?؟()«»"') for paragraph in arabic for word in paragraph.split())
        demo_tags = list(dict.fromkeys(tag for demo in demos for tag in demo.tags))
        frequent = [word for word, _count in nouns.most_common() if word.startswith("ال") and len(word) >= 5][
            :TAGS
        ]
        return cls(Chain(arabic), Chain(english), list(dict.fromkeys([*demo_tags, *frequent])))


@dataclass
class Text:
    title: str
    dek: str
    body: str
    plain: str  # the body as strip_tags() gives it: paragraphs run together

    @classmethod
    def write(cls, chain: Chain, rng: random.Random) -> "Text":
        blocks, plain = [], []
        for number in range(rng.randint(3, 7)):
            if number and rng.random() < 0.25:
                heading = chain.phrase(rng, 2, 5)
                blocks.append(f"<h2>{escape(heading)}</h2>")
                plain.append(heading)
            paragraph = " ".join(chain.sentence(rng) for _ in range(rng.randint(1, 3)))
            blocks.append(f"<p>{escape(paragraph)}</p>")
            plain.append(paragraph)
        return cls(chain.phrase(rng, 5, 11), chain.sentence(rng), "".join(blocks), "".join(plain))

    def row(self, article_id: int, language: str) -> dict:
        """The translation's columns, as ArticleTranslation.save() computes them."""
        return {
            "master_id": article_id,
            "language_code": language,
            "title": self.title,
            "slug": f"{unicode_slug(self.title)[:200].strip('-')}-{article_id}",
            "dek": self.dek,
            "body": self.body,
            "search_title": normalize(self.title),
            "search_document": normalize(f"{self.title} {self.dek} {self.plain}"),
            "reading_minutes": max(1, math.ceil(len(WORD_RE.findall(self.plain)) / WORDS_PER_MINUTE)),
        }


# --- Progress and COPY ----------------------------------------------------------------------------
@dataclass
class Progress:
    """A one-line progress bar on stderr, redrawn at most twice a second (None: silent)."""

    label: str
    total: int
    stream: object = None
    done: int = 0
    began: float = field(default_factory=time.monotonic)
    drawn: float = 0.0

    def add(self, count: int = 1) -> None:
        self.done += count
        if self.stream and time.monotonic() - self.drawn > 0.5:
            self.draw()

    def finish(self) -> None:
        if self.stream:
            self.draw()
            self.stream.write("\n")

    def draw(self) -> None:
        self.drawn = time.monotonic()
        share = min(1, self.done / self.total) if self.total else 1
        self.stream.write(
            f"\r{self.label:<9} [{'#' * int(share * 30):<30}] {self.done:>9,}/{self.total:,}"
            f" {self.drawn - self.began:6.1f} s"
        )
        self.stream.flush()


def next_id(model: type[Model]) -> int:
    """The first free id of `model`'s table, locked against other writers until the end of the
    transaction: the load numbers its own rows to link them without reading them back."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def tracked(rows: Iterable[dict], progress: Progress) -> Iterator[dict]:
    for row in rows:
        yield row
        progress.add()
    progress.finish()


@contextmanager
def search_indexes_deferred():
    """The text-search and trigram (GIN) indexes of the search entries (which the loaded
    translations' trigger writes) dropped while the block loads rows, then built again: once
    over all rows is many times faster than row by row."""
    indexes = SearchEntry._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(SearchEntry, index)
    yield
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(SearchEntry, index)


def copy(model: type[Model], rows: Iterable[dict]) -> None:
    """COPY `rows` (dicts of attribute names; the first one names the columns) into `model`'s
    table; every other column gets its field's default. Then its id sequence moves past them."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    fields = {
        f.attname: f for f in model._meta.concrete_fields if not f.generated
    }  # the database computes those
    given = list(first)
    now = timezone.now()
    rest = [f for name, f in fields.items() if name not in first and not f.primary_key]
    defaults = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.get_default(), connection)
        for f in rest
    )  # fmt: skip
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*(fields[n] for n in given), *rest])
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
            for row in itertools.chain([first], rows):
                stream.write_row((*(row[name] for name in given), *defaults))
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",
            [model._meta.db_table],
        )


# --- The archive -------------------------------------------------------------------------------------
def already_seeded() -> bool:
    return get_user_model().objects.filter(username__startswith=WRITER_PREFIX).exists()


def _weighted(rng: random.Random, shares: dict[str, float]) -> Iterator[str]:
    names, cumulative = list(shares), list(itertools.accumulate(shares.values()))
    while True:
        yield names[bisect(cumulative, rng.random() * cumulative[-1])]


def _writers() -> list[AuthorProfile]:
    names = [f"{first} {family}" for first, family in itertools.product(
        words()["first_names"], words()["family_names"])][:WRITERS]  # fmt: skip
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"{WRITER_PREFIX}{number}", first_name=name, is_active=False)
        for number, name in enumerate(names, 1)
    )
    return AuthorProfile.objects.bulk_create(
        AuthorProfile(
            user=user, display_name=user.first_name, slug=f"{unicode_slug(user.first_name)}-{user.pk}"
        )
        for user in users
    )


def _tags(names: list[str]) -> list[int]:
    """The ids of tags named `names`, in that order, creating the missing ones."""
    wanted = {normalize(name): name for name in names}
    existing = dict(Tag.objects.filter(normalized__in=wanted).values_list("normalized", "pk"))
    Tag.objects.bulk_create(
        Tag(name=name, slug=unicode_slug(name), normalized=key)
        for key, name in wanted.items()
        if key not in existing
    )
    ids = dict(Tag.objects.filter(normalized__in=wanted).values_list("normalized", "pk"))
    return list(dict.fromkeys(ids[key] for key in wanted))


@dataclass
class Plan:
    """Who wrote what, where and when: the articles' columns, before any text is written."""

    articles: list[dict]
    tags: dict[int, list[int]]  # article id → tag ids


def _plan(count: int, rng: random.Random, first_id: int, corpus: Corpus) -> Plan:
    sections = list(Section.objects.values_list("pk", flat=True))
    if not sections:
        raise ValueError("No section yet: run `manage.py seed_demo` first.")
    writers = _writers()
    images = list(MediaImage.objects.exclude(renditions={}).values_list("pk", flat=True))
    tag_ids = _tags(corpus.tags)
    tag_weights = list(itertools.accumulate(1 / rank for rank in range(1, len(tag_ids) + 1)))
    section_weights = list(itertools.accumulate(1 / rank**0.5 for rank in range(1, len(sections) + 1)))
    now = timezone.now()
    span = timedelta(days=365 * YEARS).total_seconds()
    statuses = _weighted(rng, STATUSES)
    articles, tags = [], {}
    for article_id in range(first_id, first_id + count):
        status = next(statuses)
        writer = rng.choice(writers)
        if status == "scheduled":
            publish_at = now + timedelta(hours=rng.uniform(1, 24 * 14))
        else:
            publish_at = now - timedelta(seconds=span * rng.random() ** 1.3 + 600)  # denser lately
        published = status in ("published", "scheduled")
        articles.append(
            {
                "id": article_id,
                "status": "published" if published else status,
                "publish_at": publish_at if published or status == "archived" else None,
                "first_published_at": publish_at if published or status == "archived" else None,
                "section_id": sections[bisect(section_weights, rng.random() * section_weights[-1])],
                "author_id": writer.pk,
                "created_by_id": writer.user_id,
                "featured_image_id": rng.choice(images) if images and rng.random() < IMAGE_SHARE else None,
                "created_at": publish_at - timedelta(hours=rng.uniform(0.5, 6)),
                "updated_at": publish_at,
            }
        )
        picked = {
            tag_ids[bisect(tag_weights, rng.random() * tag_weights[-1])] for _ in range(rng.randint(1, 4))
        }
        tags[article_id] = sorted(picked)
    return Plan(articles, tags)


TEXT_CHUNK = 500  # articles whose text one worker process writes at a time

_corpus: Corpus | None = None  # what the worker processes write with (inherited by fork)


def _write_chunk(job: tuple[int, list[tuple[int, bool]]]) -> list[dict]:
    """The translation rows of a chunk of (article id, has an English edition), from a random
    generator of the chunk's own: the same seed gives the same text in any process."""
    seed_value, articles = job
    rng = random.Random(f"{seed_value}-{articles[0][0]}")
    rows = []
    for article_id, english in articles:
        rows.append(Text.write(_corpus.arabic, rng).row(article_id, "ar"))
        if english:
            rows.append(Text.write(_corpus.english, rng).row(article_id, "en"))
    return rows


def _translations(plan: Plan, corpus: Corpus, seed_value: int, progress: Progress) -> Iterator[dict]:
    """Writing the text takes most of the load's time: every CPU writes while this one copies."""
    global _corpus
    _corpus = corpus
    rng = random.Random(seed_value)
    articles = [(a["id"], a["status"] == "published" and rng.random() < ENGLISH_SHARE) for a in plan.articles]
    jobs = [
        (seed_value, articles[start : start + TEXT_CHUNK]) for start in range(0, len(articles), TEXT_CHUNK)
    ]
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        for rows in pool.imap(_write_chunk, jobs):
            yield from rows
            progress.add(sum(row["language_code"] == "ar" for row in rows))
    progress.finish()


def _taggings(plan: Plan) -> Iterator[dict]:
    for article_id, tag_ids in plan.tags.items():
        for tag_id in tag_ids:
            yield {"content_object_id": article_id, "tag_id": tag_id}


@dataclass(frozen=True)
class Reader:
    name: str
    email: str
    ip_hash: str


def _readers(rng: random.Random) -> list[Reader]:
    w = words()
    names = [*w["commenters"], *w["first_names"],
             *(f"{first} {family}" for first, family in itertools.product(w["first_names"], w["family_names"]))]  # fmt: skip
    return [
        Reader(rng.choice(names), f"reader{number}@{EMAIL_DOMAIN}", ip_hash(f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"))
        for number in range(READERS)
    ]  # fmt: skip


def _comment_counts(plan: Plan, total: int, rng: random.Random) -> dict[int, int]:
    """How many comments each public article gets: a heavy tail, most on a few stories."""
    now = timezone.now()
    public = [a for a in plan.articles if a["status"] == "published" and a["publish_at"] <= now]
    if not public or not total:
        return {}
    weights = list(itertools.accumulate(rng.paretovariate(1.2) for _ in public))
    counts = Counter(public[bisect(weights, rng.random() * weights[-1])]["id"] for _ in range(total))
    return dict(sorted(counts.items()))


def _comments(plan: Plan, total: int, first_id: int, corpus: Corpus, rng: random.Random) -> Iterator[dict]:
    readers = _readers(rng)
    texts = [
        " ".join(corpus.arabic.sentence(rng, 20) for _ in range(rng.randint(1, 2)))
        for _ in range(min(total, 100_000))
    ]
    statuses = _weighted(rng, COMMENT_STATUSES)
    publish_at = {a["id"]: a["publish_at"] for a in plan.articles}
    now = timezone.now()
    comment_id = first_id
    for article_id, count in _comment_counts(plan, total, rng).items():
        window = min(now - publish_at[article_id], timedelta(days=COMMENT_DAYS)).total_seconds()
        approved: list[int] = []
        for offset in sorted(rng.random() ** 3 for _ in range(count)):
            status = next(statuses)
            reader = rng.choice(readers)
            yield {
                "id": comment_id,
                "article_id": article_id,
                "parent_id": rng.choice(approved) if approved and rng.random() < REPLY_SHARE else None,
                "name": reader.name,
                "email": reader.email,
                "text": rng.choice(texts),
                "status": status,
                "held_reason": HELD_REASON if status == "pending" else "",
                "ip_hash": reader.ip_hash,
                "created_at": publish_at[article_id] + timedelta(seconds=window * offset),
            }
            if status == "approved":
                approved.append(comment_id)
            comment_id += 1


def _views(plan: Plan, rng: random.Random) -> Iterator[dict]:
    now = timezone.now()
    newest = sorted(
        (a for a in plan.articles if a["status"] == "published" and a["publish_at"] <= now),
        key=lambda a: a["publish_at"],
    )[-VIEWED_ARTICLES:]
    hour = now.replace(minute=0, second=0, microsecond=0)
    for article in newest:
        popularity = rng.paretovariate(1.5)
        for hours_ago in range(VIEW_HOURS):
            when = hour - timedelta(hours=hours_ago)
            if when >= article["publish_at"]:
                yield {
                    "article_id": article["id"],
                    "hour": when,
                    "views": int(popularity * rng.randint(5, 50)),
                }


@dataclass
class Result:
    articles: int
    translations: int
    comments: int
    seconds: float


def seed(articles: int, comments: int, *, seed_value: int = 1, stream=None) -> Result:
    """Load the archive in one transaction (all or nothing); the same arguments give the same
    archive. Raises ValueError if it was seeded already or there is no section yet."""
    began = time.monotonic()
    rng = random.Random(seed_value)
    corpus = Corpus.load()
    with transaction.atomic():
        if already_seeded():
            raise ValueError(
                "This database already holds the bench archive: seeding it again would double it. "
                "Recreate the database to start over."
            )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # Foreign keys checked at the end of each COPY, not at commit: the search indexes
            # cannot be rebuilt while checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        plan = _plan(articles, rng, next_id(Article), corpus)
        copy(Article, tracked(plan.articles, Progress("articles", articles, stream)))
        with search_indexes_deferred():
            copy(
                ArticleTranslation,
                _translations(plan, corpus, seed_value, Progress("texts", articles, stream)),
            )
        taggings = sum(len(ids) for ids in plan.tags.values())
        copy(TaggedArticle, tracked(_taggings(plan), Progress("tags", taggings, stream)))
        loaded = _comments(plan, comments, next_id(Comment), corpus, rng)
        copy(Comment, tracked(loaded, Progress("comments", comments, stream)))
        views = list(_views(plan, rng))
        copy(ArticleViewCount, tracked(views, Progress("views", len(views), stream)))
        _count_comments(plan)
        english = ArticleTranslation.objects.filter(master__gte=plan.articles[0]["id"], language_code="en")
        translations = articles + english.count()
    planner.analyze()
    archive_loaded(_public_states(plan))
    return Result(articles, translations, comments, time.monotonic() - began)


def _count_comments(plan: Plan) -> None:
    """Each loaded article's public comment count, as refresh_comment_count() keeps it."""
    first, last = plan.articles[0]["id"], plan.articles[-1]["id"]
    counts = (
        Comment.objects.approved()
        .filter(article__gte=first, article__lte=last)
        .values("article_id")
        .annotate(number=Count("pk"))
    )
    with connection.cursor() as cursor:
        query, params = counts.query.sql_with_params()
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET comment_count = counted.number "
            f"FROM ({query}) AS counted WHERE counted.article_id = {Article._meta.db_table}.id",
            params,
        )


def _public_states(plan: Plan) -> Iterator[dict]:
    """The loaded articles readers can see, as newsroom.expiry places them in lists."""
    now = timezone.now()
    for article in plan.articles:
        if article["status"] == "published" and article["publish_at"] <= now:
            yield {**article, "tag_ids": set(plan.tags[article["id"]])}
