"""Categories meet the sections the newsroom already has, and the menu stays the editors'."""

import re

import pytest

from articles.models import Article, MediaImage, Section
from tests.factories import SectionFactory
from tests.wordpress.conftest import run_import
from wordpress.models import WordPressItem
from wordpress.wxr_writer import WXR

pytestmark = pytest.mark.django_db


def article(wp_id) -> Article:
    return Article.objects.get(pk=WordPressItem.objects.get(kind="post", wp_id=str(wp_id)).object_id)


def menu(client) -> list[str]:
    """The sections in the site's menu, as a reader sees it."""
    nav = re.search(r'<nav class="section-nav".*?</nav>', client.get("/").content.decode(), re.S)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0))[1:]  # after «الرئيسية»


def test_categories_join_the_newsrooms_sections_under_another_slug_or_spelling(tmp_path, client):
    economy = SectionFactory(name="اقتصاد", slug="economy")
    sports = SectionFactory(name="رياضة", slug="sports")
    site = WXR()
    site.category("eqtisad", "إقتصاد")
    site.category("sport", "الرياضة")
    site.post(1, "الأسواق اليوم", slug="markets", categories=["eqtisad"])
    site.post(2, "نتيجة المباراة", slug="match", categories=["sport"])

    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert Section.objects.count() == 2
    assert article(1).section == economy
    assert article(2).section == sports
    assert "categories           0          0          0          2          0" in output
    assert menu(client) == ["اقتصاد", "رياضة"]


def test_uncategorized_and_other_new_sections_stay_out_of_the_menu(tmp_path, client):
    SectionFactory(name="سياسة", slug="politics")
    site = WXR()
    site.category("uncategorized", "غير مصنف")
    site.category("رياضة", "رياضة")
    site.post(1, "بلا تصنيف", slug="none", categories=["uncategorized"])
    site.post(2, "بلا أي تصنيف", slug="nothing")
    site.post(3, "مباراة", slug="match", categories=["uncategorized", "رياضة"])

    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    uncategorized = article(1).section
    assert uncategorized.name == "غير مصنف"
    assert article(2).section == uncategorized
    assert article(3).section.name == "رياضة"  # a chosen category wins over WordPress's default
    assert not Section.objects.filter(pk__in=[uncategorized.pk, article(3).section_id], in_navigation=True)
    assert menu(client) == ["سياسة"]
    assert "New sections are not in the menu: choose the ones to show in admin → Sections." in output


@pytest.mark.usefixtures("first_post_fails")
def test_a_post_that_fails_leaves_no_picture_behind_for_the_next_one(tmp_path, uploads, media_root):
    site = WXR()
    site.attachment(301, "2024/05/port.jpg", alt="الميناء")
    site.post(1, "الأول", slug="first", thumbnail_id=301)
    site.post(2, "الثاني", slug="second", thumbnail_id=301)
    output = run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)

    image = MediaImage.objects.get()
    assert article(2).featured_image == image
    stored = {image.file.name} | {r["name"] for kind in ("webp", "fallback") for r in image.renditions[kind]}
    assert {path.relative_to(media_root).as_posix() for path in media_root.rglob("*.*")} == stored
    assert "images               1          0" in output
