"""`manage.py import_wordpress`: a whole WordPress news site, once, losing nothing."""

import functools
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Article, AuthorProfile, MediaImage, Section, Tag
from comments.models import Comment, ip_hash
from newsroom import cachetags
from newsroom.arabic import normalize
from tests.factories import ArticleFactory, UserFactory
from tests.wordpress.conftest import (
    ARABIC_SLUG,
    ARABIC_TITLE,
    content_checksum,
    database_counts,
    jpeg,
    run_import,
)
from wordpress.models import LegacyRedirect, WordPressItem
from wordpress.wxr_writer import WXR
from wordpress.wxr_writer import Comment as WXRComment

pytestmark = pytest.mark.django_db


def imported(kind: str, wp_id, model):
    return model.objects.get(pk=WordPressItem.objects.get(kind=kind, wp_id=str(wp_id)).object_id)


def article(wp_id) -> Article:
    return imported("post", wp_id, Article)


def comment(wp_id) -> Comment:
    return imported("comment", wp_id, Comment)


@pytest.fixture
def export(site, tmp_path):
    return site.write(tmp_path / "export.xml")


@pytest.fixture
def imported_site(export, uploads):
    return run_import(export, "--uploads", uploads)


# --- Authors, sections, tags ---------------------------------------------------------------
def test_authors_become_inactive_users_without_passwords_each_with_an_author_profile(imported_site):
    user = imported("author", "khaled", get_user_model())

    assert user.username == "khaled"
    assert not user.is_active
    assert not user.is_staff
    assert not user.has_usable_password()
    assert user.author_profile.display_name == "خالد العتيبي"
    assert article(1).author == user.author_profile
    assert article(2).author.display_name == "منى الحربي"


def test_a_username_taken_by_someone_else_gets_a_number_and_the_same_person_is_linked(export, uploads):
    someone_else = UserFactory(username="khaled", email="another.khaled@example.com")
    same_person = UserFactory(username="mona", email="MONA@old.example.com")

    output = run_import(export, "--uploads", uploads)

    khaled = imported("author", "khaled", get_user_model())
    assert khaled != someone_else
    assert khaled.username == "khaled-2"
    assert imported("author", "mona", get_user_model()) == same_person
    assert same_person.author_profile.display_name == "منى الحربي"
    assert same_person.has_usable_password()  # a linked account keeps its password
    assert "authors              1          0          0          1" in output


def test_categories_become_sections_with_decoded_arabic_slugs_and_their_hierarchy_remembered(imported_site):
    economy = imported("category", "101", Section)
    markets = imported("category", "102", Section)

    assert (economy.name, economy.slug) == ("اقتصاد", "اقتصاد")
    assert (markets.name, markets.slug) == ("أسواق", "أسواق")
    parent = WordPressItem.objects.get(kind="category", wp_id="102").parent
    assert parent == WordPressItem.objects.get(kind="category", wp_id="101")
    assert economy.position < markets.position < imported("category", "103", Section).position
    assert article(1).section == economy  # the first category of a post is its section
    assert article(2).section == markets


def test_tag_spelling_variants_end_as_one_tag(imported_site):
    tags = Tag.objects.filter(normalized=normalize("الاقتصاد"))

    assert tags.count() == 1
    assert set(article(1).tags.all()) >= set(tags)
    assert list(article(2).tags.all()) == list(tags)
    assert imported("tag", "104", Tag) == imported("tag", "105", Tag)


# --- Posts -------------------------------------------------------------------------------------
def test_post_statuses_become_published_scheduled_draft_or_private(imported_site):
    assert article(1).status == Article.Status.PUBLISHED
    assert article(1).is_public
    assert article(3).is_scheduled
    assert article(3).publish_at > timezone.now()
    assert article(4).status == Article.Status.DRAFT
    assert article(4).publish_at is None
    assert article(5).status == Article.Status.DRAFT
    private = article(6)
    assert private.status == Article.Status.DRAFT
    assert not private.is_public
    assert "Private posts, imported as drafts (not public):\n  post 6 «ملاحظات داخلية»" in imported_site


def test_dates_are_read_in_utc_with_the_local_date_as_fallback(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Riyadh"
    site = WXR()
    site.post(1, "بتوقيت غرينتش", slug="gmt", date="2024-05-12 09:30:00", date_gmt="2024-05-12 06:30:00")
    site.post(2, "بالتوقيت المحلي", slug="local", date="2024-05-12 09:30:00", date_gmt="0000-00-00 00:00:00")

    run_import(site.write(tmp_path / "export.xml"), "--no-download")

    expected = datetime(2024, 5, 12, 6, 30, tzinfo=UTC)
    assert article(1).publish_at == expected == article(2).publish_at
    assert article(1).created_at == expected  # the WordPress date, not the import's


def test_the_excerpt_becomes_the_dek_and_a_sticky_post_is_featured(imported_site):
    assert article(1).dek == "أكبر سفينة تصل إلى الميناء."
    assert article(1).is_featured
    assert not article(2).is_featured


def test_an_arabic_post_keeps_its_decoded_slug_and_a_taken_slug_gets_a_number(export, uploads):
    ArticleFactory(title="مباراة أخرى", slug="match")

    run_import(export, "--uploads", uploads)

    assert article(1).title == ARABIC_TITLE
    assert article(1).slug == ARABIC_SLUG
    assert article(3).slug == "match-2"
    assert article(4).slug == "مسودة-لم-تكتمل"  # a draft without a WordPress slug: from its title


def test_comments_closed_in_wordpress_stay_closed(tmp_path):
    site = WXR()
    site.post(1, "مفتوح", slug="open")
    site.post(2, "مغلق", slug="closed", comment_status="closed")

    run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert article(1).comments_open
    assert not article(2).comments_open


def test_pages_and_trashed_posts_are_counted_not_imported(tmp_path):
    site = WXR()
    site.post(1, "من نحن", post_type="page")
    site.post(2, "في سلة المهملات", status="trash")
    site.post(3, "قائمة", post_type="nav_menu_item")

    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert not WordPressItem.objects.filter(kind="post").exists()
    assert "1 page items (only posts are imported)" in output
    assert "1 posts in the WordPress trash" in output


# --- Bodies ------------------------------------------------------------------------------------
def test_block_markup_loses_its_comments_and_keeps_its_html(imported_site):
    body = article(1).body

    assert "wp:" not in body
    assert "<!--" not in body
    assert "<p>استقبل الميناء <strong>اليوم</strong> السفينة.</p>" in body
    assert "<h2>التفاصيل</h2>" in body
    assert '<p><a href="https://twitter.com/jeddahport/status/1789">' in body


def test_classic_text_gets_paragraphs_captions_become_figures_and_a_youtube_url_a_link(imported_site):
    body = article(2).body

    assert "<p>السطر الأول من الفقرة الأولى<br>\nوالسطر الثاني منها.</p>" in body
    assert "<p>الفقرة الثانية عن <em>السوق</em>.</p>" in body
    assert "<figcaption>سوق الخضار في الصباح</figcaption></figure>" in body
    assert (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>'
        in body
    )
    assert "[" not in body.replace("[تحديث]", "")  # shortcodes gone, brackets in prose kept
    assert "نص مميّز يبقى" in body


def test_hostile_markup_is_gone_after_import(imported_site):
    body = article(8).body

    for hostile in ("<script", "alert", "onerror", "onclick", "javascript:"):
        assert hostile not in body
    assert "نص عادي" in body
    assert "هنا" in body


# --- Images ------------------------------------------------------------------------------------
def test_featured_and_inline_images_come_from_the_uploads_folder_with_renditions(imported_site, media_root):
    featured = article(1).featured_image

    assert featured == imported("attachment", "301", MediaImage)
    assert featured.alt_text == "سفينة في ميناء جدة"
    assert featured.caption == article(1).image_caption == "الميناء صباحاً"
    assert (featured.width, featured.height) == (640, 400)  # the original, not the 300x200 copy
    assert featured.renditions["webp"]
    assert featured.renditions["fallback"]
    assert (media_root / featured.file.name).is_file()
    # The body showed the resized copy of the same attachment: it now shows the imported picture.
    assert f'<img src="{featured.file.url}" alt="الرافعات">' in article(1).body
    market = imported("attachment", "302", MediaImage)
    assert f'src="{market.file.url}"' in article(2).body
    assert "old.example.com/wp-content/uploads" not in article(1).body + article(2).body
    assert MediaImage.objects.filter(pk__in=[featured.pk, market.pk]).count() == 2


def test_a_broken_image_is_reported_and_the_post_still_imported(imported_site):
    post = article(7)

    assert post.title == "خبر فيه صورة معطوبة"
    assert post.featured_image is None
    assert (
        "post 7 «خبر فيه صورة معطوبة»: image https://old.example.com/wp-content/uploads/2024/05/broken.jpg: "
        "الملف ليس صورة صالحة." in imported_site
    )
    assert not WordPressItem.objects.get(kind="post", wp_id="7").complete  # tried again next time


def test_a_missing_image_is_reported_and_the_post_still_imported(tmp_path, uploads):
    site = WXR()
    site.post(
        1, "صورة مفقودة", f'<p><img src="{site.upload_url("2023/01/gone.jpg")}" alt=""></p>', slug="gone"
    )

    output = run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)

    assert article(1).body == f'<p><img src="{site.upload_url("2023/01/gone.jpg")}" alt=""></p>'
    assert (
        "image https://old.example.com/wp-content/uploads/2023/01/gone.jpg: not found in the uploads folder"
        in output
    )


def test_an_image_with_an_arabic_file_name_is_found(tmp_path, uploads):
    site = WXR()
    site.post(1, "ميناء", f'<img src="{site.upload_url("2024/05/ميناء-جدة.jpg")}" alt="">', slug="port")

    output = run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)

    assert "Problems" not in output
    image = imported("attachment", "file:2024/05/ميناء-جدة.jpg", MediaImage)
    assert f'src="{image.file.url}"' in article(1).body


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def old_site(tmp_path, uploads):
    """The old WordPress site, answering on 127.0.0.1 with its uploads folder."""
    root = tmp_path / "www"
    (root / "wp-content").mkdir(parents=True)
    (root / "wp-content" / "uploads").symlink_to(uploads, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_images_are_downloaded_from_the_site_when_no_uploads_folder_is_given(tmp_path, old_site):
    site = WXR(site=old_site)
    site.attachment(10, "2024/05/port.jpg", alt="الميناء")
    site.post(
        1,
        "صور من الموقع",
        f'<img src="{site.upload_url("2024/05/market.jpg")}" alt="">'
        f'<img src="{site.upload_url("2024/05/absent.jpg")}" alt="">',
        slug="downloaded",
        thumbnail_id=10,
    )

    output = run_import(site.write(tmp_path / "export.xml"))

    post = article(1)
    assert post.featured_image.alt_text == "الميناء"
    assert post.featured_image.width == 640
    assert post.body.count('src="/media/images/') == 1
    assert "absent.jpg: could not be downloaded (HTTP 404)" in output


def test_a_download_larger_than_the_upload_limit_is_refused(tmp_path, old_site, monkeypatch):
    monkeypatch.setattr("articles.images.MAX_UPLOAD_BYTES", 1000)
    site = WXR(site=old_site)
    site.post(1, "صورة كبيرة", f'<img src="{site.upload_url("2024/05/port.jpg")}" alt="">', slug="big")

    output = run_import(site.write(tmp_path / "export.xml"))

    assert "port.jpg: larger than" in output
    assert not MediaImage.objects.filter(
        pk__in=WordPressItem.objects.filter(kind="attachment").values("object_id")
    )


def test_images_on_other_sites_are_not_fetched_and_are_reported(tmp_path):
    site = WXR()
    site.post(1, "صورة خارجية", '<img src="https://cdn.elsewhere.example/a.jpg" alt="">', slug="external")

    output = run_import(site.write(tmp_path / "export.xml"))

    assert "image https://cdn.elsewhere.example/a.jpg is on another site; left as it is" in output
    assert article(1).title == "صورة خارجية"


# --- Comments ----------------------------------------------------------------------------------
def test_comments_keep_their_status_threading_and_dates(imported_site):
    first, reply, reply_to_reply = comment(11), comment(12), comment(13)

    assert first.status == Comment.Status.APPROVED
    assert first.parent is None
    assert reply.parent == first
    assert reply_to_reply.parent == first  # Midad threads are one level deep
    assert comment(14).status == Comment.Status.PENDING
    assert comment(15).status == Comment.Status.SPAM
    assert comment(16).status == Comment.Status.REJECTED
    assert first.created_at == datetime(2024, 5, 12, 10, 0, tzinfo=UTC)
    assert (first.name, first.text, first.email) == ("سارة", "خبر رائع!", "sara@private.example")
    assert first.article == article(1)
    assert article(1).comment_count == 3  # the approved ones


def test_commenter_ips_are_hashed_and_never_stored(imported_site):
    assert comment(11).ip_hash == ip_hash("198.51.100.23")
    for row in Comment.objects.filter(article=article(1)).values():
        for value in row.values():
            assert "198.51.100" not in str(value)
            assert "203.0.113" not in str(value)


def test_comment_emails_are_never_printed(export, uploads, tmp_path):
    site_with_a_bad_comment = WXR()
    site_with_a_bad_comment.post(
        1,
        "خبر",
        slug="bad-comment",
        comments=[
            WXRComment(1, email="hidden@private.example", date_gmt="yesterday-ish", author="x@y.example")
        ],
    )

    outputs = [
        run_import(export, "--uploads", uploads, verbosity=2),
        run_import(export, "--uploads", uploads, "--dry-run", verbosity=3),
        run_import(site_with_a_bad_comment.write(tmp_path / "bad.xml"), "--no-download", verbosity=2),
    ]

    assert "comment 1 on post 1 «خبر»: unreadable date 'yesterday-ish'" in outputs[2]
    for output in outputs:
        assert "@" not in output


def test_an_import_expires_the_pages_of_what_it_imported_once_at_its_end(export, uploads, monkeypatch):
    stamps = []
    monkeypatch.setattr(
        cachetags, "expire", lambda *tags: stamps.append((set(tags), Article.objects.count()))
    )

    run_import(export, "--uploads", uploads)

    [(tags, articles_then)] = stamps
    assert articles_then == Article.objects.count()  # after the last item, not along the way
    public = Article.objects.published().values_list("pk", "section_id")
    assert public
    assert {"list:latest", "everything"} <= tags
    assert {f"article:{pk}" for pk, _section_id in public} <= tags
    assert {f"list:section:{section_id}" for _pk, section_id in public} <= tags


# --- Running again, dry runs, failures ---------------------------------------------------------
def test_running_the_import_twice_changes_nothing(export, uploads, media_root):
    run_import(export, "--uploads", uploads)
    counts, checksum = database_counts(), content_checksum()
    files = sorted(media_root.rglob("*"))

    output = run_import(export, "--uploads", uploads)

    assert database_counts() == counts
    assert content_checksum() == checksum
    assert sorted(media_root.rglob("*")) == files
    assert "Done: 0 created, 0 updated" in output
    assert "posts                0          0          8          0          0" in output


def test_a_post_changed_in_wordpress_is_updated_on_the_next_run(site, export, uploads, tmp_path):
    run_import(export, "--uploads", uploads)
    counts = database_counts()
    site.find(2).title = "أسعار الخضار تنخفض"
    site.find(2).comments.append(WXRComment(21, "تعليق جديد"))

    output = run_import(site.write(tmp_path / "export-2.xml"), "--uploads", uploads)

    assert article(2).title == "أسعار الخضار تنخفض"
    assert "posts                0          1          7          0          0" in output
    assert "comments             1          0          6          0          0" in output
    assert database_counts()["comments.Comment"] == counts["comments.Comment"] + 1


def test_a_dry_run_writes_nothing_and_reports_what_the_import_would_do(export, uploads, media_root):
    counts = database_counts()

    dry = run_import(export, "--uploads", uploads, "--dry-run")

    assert database_counts() == counts
    assert not media_root.exists() or not any(media_root.rglob("*"))
    assert "Would be imported:" in dry
    assert "Dry run, nothing was written; the import would give: 23 created, 0 updated, 1 problems." in dry
    real = run_import(export, "--uploads", uploads)
    table = [line for line in real.splitlines() if line.startswith("  ")]
    assert table == [line for line in dry.splitlines() if line.startswith("  ")]


def _bad_files(tmp_path):
    good = WXR().xml()
    return {
        "malformed": good.replace("</channel>", ""),
        "entity-bomb": good.replace(
            "<rss", '<!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n<rss', 1
        ).replace("<title>صحيفة الأمس</title>", "<title>&b;</title>"),
        "unknown-version": good.replace("<wp:wxr_version>1.2<", "<wp:wxr_version>9.9<"),
        "no-version": good.replace("<wp:wxr_version>1.2</wp:wxr_version>", ""),
    }


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("malformed", "not well-formed XML"),
        ("entity-bomb", "declares a document type"),
        ("unknown-version", "Unsupported WXR version '9.9'"),
        ("no-version", "not a WordPress export"),
    ],
)
def test_a_file_that_cannot_be_imported_gives_a_clear_error_and_writes_nothing(site, tmp_path, case, message):
    counts = database_counts()
    document = _bad_files(tmp_path)[case]
    if case != "entity-bomb":  # the others carry a whole site that must not be half imported
        document = document.replace(
            "</channel>", "".join(site._item(item) for item in site.items) + "</channel>"
        )
    path = tmp_path / f"{case}.xml"
    path.write_text(document, encoding="utf-8")

    with pytest.raises(CommandError, match=message) as error:
        run_import(path, "--no-download")

    assert "Nothing was imported." in str(error.value)
    assert database_counts() == counts


def test_a_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "nowhere.xml")


def test_one_bad_post_is_reported_and_the_rest_imported(tmp_path):
    site = WXR()
    site.post(1, "تاريخ غريب", slug="odd-date", date="الثلاثاء الماضي", date_gmt="soon")
    site.post(2, "خبر سليم", slug="fine", comments=[WXRComment(5)])

    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert "post 1 «تاريخ غريب»: unreadable date 'soon'" in output
    assert not WordPressItem.objects.filter(kind="post", wp_id="1").exists()
    assert article(2).title == "خبر سليم"
    assert comment(5).article == article(2)
    assert "Done: 4 created, 0 updated, 1 problems." in output


def test_progress_is_printed_every_hundred_items(tmp_path):
    site = WXR()
    for number in range(150):
        site.tag(f"tag-{number}", f"وسم {number}")

    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    progress = [line for line in output.splitlines() if " items: " in line]
    assert progress == ["100/150 items: 100 created, 0 updated, 0 unchanged, 0 skipped, 0 problems"]


def test_verbosity_zero_prints_only_problems_and_the_result(export, uploads):
    output = run_import(export, "--uploads", uploads, verbosity=0)

    assert output.splitlines()[0] == "Problems (1):"
    assert output.splitlines()[-1].startswith("Done: ")
    assert len(output.splitlines()) == 3


def test_verbosity_two_names_every_item(export, uploads):
    output = run_import(export, "--uploads", uploads, verbosity=2)

    assert f"post 1 «{ARABIC_TITLE}»: created" in output
    assert "tag الاقتصاد: linked" in output  # the spelling variant joined the existing tag


def test_an_export_in_wxr_1_1_is_imported_too(tmp_path):
    site = WXR(version="1.1")
    site.author("khaled", "خالد")
    site.category("اقتصاد", "اقتصاد")
    site.post(1, "خبر قديم", "نص", slug="old-news", categories=["اقتصاد"], comments=[WXRComment(1)])

    run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert article(1).section.name == "اقتصاد"
    assert article(1).author.display_name == "خالد"
    assert comment(1).article == article(1)


def test_the_uploads_option_must_be_a_folder(export, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        run_import(export, "--uploads", tmp_path / "nothing-here")


def test_an_unchanged_source_keeps_edits_made_in_the_newsroom(export, uploads):
    run_import(export, "--uploads", uploads)
    edited = article(1)
    edited.title = "عنوان عدّله المحرر"
    edited.save()

    run_import(export, "--uploads", uploads)

    assert article(1).title == "عنوان عدّله المحرر"
    assert LegacyRedirect.objects.filter(article=edited).exists()
    assert AuthorProfile.objects.filter(user__username="khaled").count() == 1


def test_the_uploads_folder_cannot_be_escaped(tmp_path, uploads):
    (tmp_path / "secret.jpg").write_bytes(jpeg())
    site = WXR()
    site.post(
        1,
        "محاولة",
        '<img src="https://old.example.com/wp-content/uploads/../secret.jpg" alt="">',
        slug="escape",
    )
    site.post(
        2,
        "محاولة ثانية",
        '<img src="https://old.example.com/wp-content/uploads/%2e%2e/secret.jpg">',
        slug="escape-2",
    )

    run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)

    assert not WordPressItem.objects.filter(kind="attachment").exists()


def test_a_gallery_brings_its_pictures_along(tmp_path, uploads):
    site = WXR()
    site.attachment(301, "2024/05/port.jpg", parent=1, alt="الميناء")
    site.attachment(302, "2024/05/market.jpg", parent=1, caption="السوق")
    site.post(1, "معرض صور", '[gallery ids="301,302"]', slug="gallery")
    site.post(2, "معرض المقال كله", "[gallery]", slug="gallery-all", link=None)
    site.find(301, "attachment").parent = 2
    site.find(302, "attachment").parent = 2

    output = run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)

    port, market = imported("attachment", "301", MediaImage), imported("attachment", "302", MediaImage)
    expected = (
        f'<figure><img src="{port.file.url}" alt="الميناء"></figure>'
        f'<figure><img src="{market.file.url}" alt=""><figcaption>السوق</figcaption></figure>'
    )
    assert article(1).body == expected == article(2).body
    assert "Problems" not in output


@pytest.mark.usefixtures("first_post_fails")
def test_a_failure_late_in_a_post_leaves_nothing_half_remembered(tmp_path):
    site = WXR()
    site.post(1, "الأول", slug="first", creator="newcomer", categories=["جديد"], tags=["وسم جديد"])
    site.post(2, "الثاني", slug="second", creator="newcomer", categories=["جديد"], tags=["وسم جديد"])
    output = run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert "post 1 «الأول»: RuntimeError: disk full" in output
    assert not WordPressItem.objects.filter(kind="post", wp_id="1").exists()
    second = article(2)
    assert second.author.user.username == "newcomer"
    assert second.section.slug == "جديد"
    assert list(second.tags.names()) == ["وسم جديد"]
    assert "authors              1          0" in output  # the rolled-back one is not counted
