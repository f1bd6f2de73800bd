"""Demo content: original Arabic news (the files in articles/demo_content/) with generated
illustrations.

Every person, city and institution in the demo articles is fictional (the capital Nouran, the
port city Marsa al-Ghaith, Tal al-Zaytoun, Wadi al-Sidr, al-Hisn al-Abyad, Ras al-Fanar), and
the text was written for this project. Some tags are planted in two spellings, which the site
merges into one tag (the pairs are listed in tests/articles/test_demo.py).

Idempotent: every object is found by a stable key before it is created, so running the
demo command twice creates nothing the second time.
"""

import colorsys
import io
import json
import math
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from articles.models import Article, ArticleViewCount, AuthorProfile, MediaImage, Section
from articles.tagging import ARABIC_COMMA
from newsroom.cachetags import expire

CONTENT = Path(__file__).with_name("demo_content")
IMAGE_SIZE = (1600, 900)
BREAKING_HOURS = 12
STAFF_WRITERS = ("editor", "journalist")
FLAGS = {"breaking", "featured"}
TRANSLATION = ".en.html"
# Demo readers: views in a story's first hour (times its appeal), over the week "most read" covers.
PEAK_VIEWS = 180
BREAKING_APPEAL = 2.5
VIEWS_HOURS = 7 * 24


@dataclass(frozen=True)
class DemoTranslation:
    title: str
    dek: str
    image_caption: str
    body: str


@dataclass(frozen=True)
class DemoArticle:
    key: str  # the file's name: seeds its illustration
    section: str  # the folder's name
    title: str
    dek: str
    body: str
    author: str
    tags: list[str]
    hours_ago: float  # negative: scheduled
    breaking: bool
    breaking_priority: int
    featured: bool
    image_hue: int
    image_caption: str
    image_credit: str
    image_alt: str
    en: DemoTranslation | None


def load_sections() -> list[dict[str, str]]:
    return json.loads((CONTENT / "sections.json").read_text(encoding="utf-8"))


def load_authors() -> list[dict[str, str]]:
    return json.loads((CONTENT / "authors.json").read_text(encoding="utf-8"))


def load_articles() -> list[DemoArticle]:
    """<section>/<key>.html in Arabic, next to <key>.en.html when it has an English translation.

    Section by section, in the order of sections.json: where two spellings of a tag meet, the
    first article to use one names the merged tag.
    """
    return [
        _article(path, section["key"])
        for section in load_sections()
        for path in sorted((CONTENT / section["key"]).glob("*.html"))
        if not path.name.endswith(TRANSLATION)
    ]


def _article(path: Path, section: str) -> DemoArticle:
    with _reading(path):
        fields, body = _read(path)
        flags = set(_items(fields.pop("flags", "")))
        if unknown := flags - FLAGS:
            raise ValueError(f"unknown flags {unknown}, expected some of {FLAGS}")
        return DemoArticle(
            key=path.stem,
            section=section,
            body=body,
            tags=_items(fields.pop("tags")),
            hours_ago=float(fields.pop("hours_ago")),
            breaking="breaking" in flags,
            breaking_priority=int(fields.pop("breaking_priority", 5)),
            featured="featured" in flags,
            image_hue=int(fields.pop("image_hue")),
            en=_translation(path.with_suffix(TRANSLATION)),
            **fields,
        )


def _translation(path: Path) -> DemoTranslation | None:
    if not path.exists():
        return None
    with _reading(path):
        fields, body = _read(path)
        return DemoTranslation(body=body, **fields)


@contextmanager
def _reading(path: Path):
    """Errors name the file they come from."""
    try:
        yield
    except (KeyError, TypeError, ValueError) as error:
        error.add_note(f"while reading {path}")
        raise


def _read(path: Path) -> tuple[dict[str, str], str]:
    """The `name: value` lines between two `---` lines, and the HTML below them, where line
    breaks between tags are left out."""
    before, front_matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
    if before:
        raise ValueError("the file must start with a --- line")
    fields = {}
    for line in front_matter.splitlines():
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"expected `name: value`, got {line!r}")
        fields[name.strip()] = value.strip()
    return fields, re.sub(r">\s*\n\s*<", "><", body.strip())


def _items(value: str) -> list[str]:
    """A comma-separated list; the Arabic comma works too."""
    return [item.strip() for item in re.split(f"[,{ARABIC_COMMA}]", value) if item.strip()]


def illustration(seed: str, hue: int) -> bytes:
    """A JPEG of soft shapes in the article's colour: no download, different for every seed."""
    rng = random.Random(seed)
    width, height = IMAGE_SIZE

    def colour(lightness, saturation=0.55, shift=0):
        r, g, b = colorsys.hls_to_rgb(((hue + shift) % 360) / 360, lightness, saturation)
        return int(r * 255), int(g * 255), int(b * 255)

    image = Image.new("RGB", IMAGE_SIZE, colour(0.22))
    draw = ImageDraw.Draw(image)
    for row in range(height):  # vertical gradient
        draw.line([(0, row), (width, row)], fill=colour(0.22 + 0.3 * row / height))
    for _ in range(14):
        x, y, radius = rng.randrange(width), rng.randrange(height), rng.randrange(60, 320)
        shade = colour(rng.uniform(0.35, 0.8), rng.uniform(0.3, 0.8), rng.choice((0, 20, -25, 180)))
        if rng.random() < 0.5:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=shade)
        else:
            draw.rectangle([x - radius, y - radius // 2, x + radius, y + radius // 2], fill=shade)
    image = image.filter(ImageFilter.GaussianBlur(6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _sections() -> dict[str, Section]:
    sections = {}
    for position, data in enumerate(load_sections()):
        section = Section.objects.translated("ar", name=data["name_ar"]).first()
        if section is None:
            section = Section(position=position)
            section.set_current_language("ar")
            section.name, section.description = data["name_ar"], data["description_ar"]
            section.save()
            section.set_current_language("en")
            section.name = data["name_en"]
            section.save()
        sections[data["key"]] = section
    return sections


def _authors() -> dict[str, AuthorProfile]:
    User = get_user_model()
    for user in User.objects.filter(username__in=STAFF_WRITERS):  # demo accounts that write
        AuthorProfile.objects.get_or_create(
            user=user, defaults={"display_name": user.first_name or user.username}
        )
    authors = {}
    for data in load_authors():
        user, _created = User.objects.get_or_create(
            username=data["username"], defaults={"first_name": data["display_name"], "is_active": False}
        )
        authors[data["username"]], _created = AuthorProfile.objects.get_or_create(
            user=user, defaults={"display_name": data["display_name"], "bio": data["bio"]}
        )
    return authors


def _image(data: DemoArticle) -> MediaImage:
    image = MediaImage(alt_text=data.image_alt, caption=data.image_caption, credit=data.image_credit)
    image.file = ContentFile(illustration(data.key, data.image_hue), name=f"demo-{data.key}.jpg")
    image.save()
    return image


def _hourly_views(data: DemoArticle, published: datetime, now: datetime) -> dict[datetime, int]:
    """Readers per hour since `published` (the last VIEWS_HOURS at most): a peak in the first
    hours that fades, breaking stories drawing more, each story its own appeal (seeded by its key)."""
    rng = random.Random(data.key)
    appeal = rng.lognormvariate(0, 0.7) * (BREAKING_APPEAL if data.breaking else 1)
    first = published.replace(minute=0, second=0, microsecond=0)
    age_now = int((now - first) / timedelta(hours=1))
    hours = range(max(0, age_now - VIEWS_HOURS), age_now + 1)
    views = {
        first + timedelta(hours=age): round(PEAK_VIEWS * appeal * math.exp(-age / 20) * rng.uniform(0.7, 1.3))
        for age in hours
    }
    return {hour: count for hour, count in views.items() if count}


def _seed_views(demo_articles: list[DemoArticle], now: datetime) -> None:
    """Reader views for the public demo articles that have none yet, so "most read" shows
    something on a fresh demo; running again adds nothing."""
    by_title = {data.title: data for data in demo_articles}
    unread = (
        Article.objects.published(any_language=True)
        .filter(view_counts__isnull=True)
        .translated("ar", title__in=by_title)
        .prefetch_related("translations")
    )
    rows = [
        ArticleViewCount(article=article, hour=hour, views=views)
        for article in unread
        for hour, views in _hourly_views(
            by_title[article.safe_translation_getter("title", language_code="ar")], article.publish_at, now
        ).items()
    ]
    if rows:
        ArticleViewCount.objects.bulk_create(rows)
        expire("most_read")


@transaction.atomic
def ensure_demo_content() -> int:
    """Create the demo sections, authors and articles that are missing, and their readers'
    views; return how many articles were created."""
    sections, authors = _sections(), _authors()
    existing = set(Article.objects.translated("ar").values_list("translations__title", flat=True))
    now = timezone.now()
    created = 0
    demo_articles = load_articles()
    for data in demo_articles:
        if data.title in existing:
            continue
        publish_at = now - timedelta(hours=data.hours_ago)
        article = Article(
            section=sections[data.section],
            author=authors[data.author],
            status=Article.Status.PUBLISHED,
            publish_at=publish_at,
            is_featured=data.featured,
            is_breaking=data.breaking,
            breaking_priority=data.breaking_priority,
            breaking_until=publish_at + timedelta(hours=BREAKING_HOURS) if data.breaking else None,
            featured_image=_image(data),
        )
        for language, text in (("ar", data), ("en", data.en)):
            if text:
                article.set_current_language(language)
                article.title, article.dek, article.body = text.title, text.dek, text.body
                article.image_caption = text.image_caption
                article.save()
        article.tags.set(data.tags)
        created += 1
    _seed_views(demo_articles, now)
    return created
