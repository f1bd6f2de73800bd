"""Demo live coverages (live/demo_content/*.json): one ended, one live, each an article with
20+ original Arabic entries by several journalists, key events and a pinned entry.

Like the demo articles (articles/demo.py) the places are fictional and the text was written
for this project. Idempotent: a coverage whose article (found by its Arabic title) exists is
left alone, so a second run creates nothing.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from articles.demo import illustration, load_sections
from articles.models import Article, AuthorProfile, MediaImage, Section
from live.models import LiveCoverage, LiveEntry

CONTENT = Path(__file__).with_name("demo_content")


def load_coverages() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(CONTENT.glob("*.json"))]


def _section(key: str) -> Section:
    name = next(section["name_ar"] for section in load_sections() if section["key"] == key)
    return Section.objects.translated("ar", name=name).get()


def _article(data: dict, started) -> Article:
    image = MediaImage(alt_text=data["image_alt"], caption=data["image_caption"], credit=data["image_credit"])
    image.file = ContentFile(illustration(data["title"], data["image_hue"]), name="demo-live.jpg")
    image.save()
    article = Article(
        section=_section(data["section"]),
        author=AuthorProfile.objects.get(user__username=data["author"]),
        status=Article.Status.PUBLISHED,
        publish_at=started,
        featured_image=image,
        is_breaking=data.get("breaking", False),
        breaking_until=started + timedelta(hours=12) if data.get("breaking") else None,
    )
    article.set_current_language("ar")
    article.title, article.dek, article.body = data["title"], data["dek"], data["body"]
    article.save()
    article.tags.set([tag.strip() for tag in data["tags"].split("،")])
    return article


@transaction.atomic
def ensure_demo_coverages() -> int:
    """Create the demo coverages that are missing (after the demo articles and accounts);
    return how many were created."""
    users = {user.username: user for user in get_user_model().objects.all()}
    existing = set(Article.objects.translated("ar").values_list("translations__title", flat=True))
    now, created = timezone.now(), 0
    for data in load_coverages():
        if data["title"] in existing:
            continue
        started = now - timedelta(hours=data["hours_ago"])
        coverage = LiveCoverage(
            article=_article(data, started), started_at=started, opened_by=users.get("editor")
        )
        if "ended_after_minutes" in data:
            coverage.state, coverage.ended_by = LiveCoverage.State.ENDED, users.get("editor")
            coverage.ended_at = started + timedelta(minutes=data["ended_after_minutes"])
        coverage.save()
        LiveEntry.objects.bulk_create(
            LiveEntry(
                coverage=coverage,
                author=users[entry["author"]],
                published_at=started + timedelta(minutes=entry["minute"]),
                headline=entry.get("headline", ""),
                body=entry["body"],
                is_key_event=entry.get("key", False),
                is_pinned=entry.get("pinned", False),
            )
            for entry in data["entries"]
        )
        created += 1
    return created
