"""Demo content: original Arabic news (articles/demo_data.py) with generated illustrations.

Idempotent: every object is found by a stable key before it is created, so running the
demo command twice creates nothing the second time.
"""

import colorsys
import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from articles import demo_data
from articles.models import Article, AuthorProfile, MediaImage, Section

IMAGE_SIZE = (1600, 900)
BREAKING_HOURS = 12
STAFF_WRITERS = ("editor", "journalist")


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
    for position, data in enumerate(demo_data.SECTIONS):
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
    for data in demo_data.AUTHORS:
        user, _created = User.objects.get_or_create(
            username=data["username"], defaults={"first_name": data["display_name"], "is_active": False}
        )
        authors[data["username"]], _created = AuthorProfile.objects.get_or_create(
            user=user, defaults={"display_name": data["display_name"], "bio": data["bio"]}
        )
    return authors


def _image(data: dict) -> MediaImage:
    image = MediaImage(alt_text=data["image_alt"], caption=data["image_caption"], credit=data["image_credit"])
    image.file = ContentFile(illustration(data["key"], data["image_hue"]), name=f"demo-{data['key']}.jpg")
    image.save()
    return image


@transaction.atomic
def ensure_demo_content() -> int:
    """Create the demo sections, authors and articles that are missing; return how many articles."""
    sections, authors = _sections(), _authors()
    existing = set(Article.objects.translated("ar").values_list("translations__title", flat=True))
    now = timezone.now()
    created = 0
    for data in demo_data.ARTICLES:
        if data["title"] in existing:
            continue
        publish_at = now - timedelta(hours=data["hours_ago"])
        article = Article(
            section=sections[data["section"]],
            author=authors[data["author"]],
            status=Article.Status.PUBLISHED,
            publish_at=publish_at,
            is_featured=data["featured"],
            is_breaking=data["breaking"],
            breaking_priority=data.get("breaking_priority", 5),
            breaking_until=publish_at + timedelta(hours=BREAKING_HOURS) if data["breaking"] else None,
            featured_image=_image(data),
        )
        article.set_current_language("ar")
        article.title, article.dek, article.body = data["title"], data["dek"], data["body"]
        article.image_caption = data["image_caption"]
        article.save()
        if translation := data["en"]:
            article.set_current_language("en")
            article.title, article.dek, article.body = (
                translation["title"],
                translation["dek"],
                translation["body"],
            )
            article.image_caption = translation["image_caption"]
            article.save()
        article.tags.set(data["tags"])
        created += 1
    return created
