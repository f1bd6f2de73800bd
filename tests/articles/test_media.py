import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import images
from articles.models import Article, MediaImage
from tests.articles.test_images import blank_png
from tests.factories import ArticleFactory, MediaImageFactory, UserFactory

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(1000, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (24.0, 42.0, 0.0), 3: "E", 4: (46.0, 43.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, content: bytes, name="photo.jpg"):
    return client.post(
        reverse("admin:articles_mediaimage_add"),
        {
            "file": SimpleUploadedFile(name, content),
            "alt_text": "صورة الميناء",
            "caption": "",
            "credit": "مداد",
        },
    )


def test_an_uploaded_photo_loses_its_location_and_gets_webp_renditions(client, journalist):
    client.force_login(journalist)
    assert upload(client, jpeg_with_gps()).status_code == 302
    image = MediaImage.objects.get()
    assert image.uploaded_by == journalist
    with Image.open(image.file.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif().get_ifd(0x8825)
    assert [r["width"] for r in image.renditions["webp"]] == [480, 800]
    assert "480w" in image.srcset
    assert ".webp" in image.srcset
    assert image.width == 1000


def test_a_fake_image_is_refused_with_an_arabic_message_and_nothing_stored(client, journalist):
    client.force_login(journalist)
    response = upload(client, b"<?php system($_GET['c']); ?>", name="shell.jpg")
    assert response.status_code == 200
    assert "الملف ليس صورة صالحة." in response.content.decode()
    assert not MediaImage.objects.exists()


def test_an_image_beyond_our_pixel_limit_is_refused_in_arabic(client, journalist, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000 * 600 - 1)
    client.force_login(journalist)
    response = upload(client, jpeg_with_gps())
    assert "أبعاد الصورة كبيرة جداً" in response.content.decode()
    assert not MediaImage.objects.exists()


def test_a_30000_by_30000_png_is_refused_as_too_large_not_as_a_broken_file(client, journalist):
    client.force_login(journalist)
    html = upload(client, blank_png(30000, 30000), name="poster.png").content.decode()
    assert "أبعاد الصورة كبيرة جداً: الحد الأقصى 40 مليون بكسل" in html
    assert "ليس" not in html
    assert not MediaImage.objects.exists()


@pytest.mark.parametrize("name", ["scan.pdf", "layers.psd", "logo.eps", "notes.txt"])
def test_a_wrong_extension_is_refused_naming_only_the_formats_we_accept(client, journalist, name):
    client.force_login(journalist)
    html = upload(client, jpeg_with_gps(), name=name).content.decode()
    extension = name.rsplit(".", 1)[1]
    assert f"امتداد الملف «{extension}» غير مقبول؛ الامتدادات المقبولة: jpg, jpeg, png, webp, gif." in html
    assert "bmp" not in html
    assert not MediaImage.objects.exists()


def test_renditions_are_made_once_not_at_every_request(client, journalist, monkeypatch):
    client.force_login(journalist)
    upload(client, jpeg_with_gps())
    image = MediaImage.objects.get()
    article = ArticleFactory(featured_image=image)
    monkeypatch.setattr(images, "make_renditions", lambda *a, **k: pytest.fail("rendered on a page view"))
    response = client.get(article.get_absolute_url())
    assert 'type="image/webp"' in response.content.decode()


def test_article_list_in_the_admin_shows_thumbnails(client, editor):
    client.force_login(editor)
    upload(client, jpeg_with_gps())
    ArticleFactory(featured_image=MediaImage.objects.get())
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'class="midad-thumb"' in html


# --- Editing an image, and who may ----------------------------------------------------------


def change_url(image):
    return reverse("admin:articles_mediaimage_change", args=[image.pk])


def describe(client, image, **changes):
    """Post the change form of `image` without a new file: only its texts change."""
    data = {"alt_text": image.alt_text, "caption": image.caption, "credit": image.credit, **changes}
    return client.post(change_url(image), data)


@pytest.mark.parametrize("role", ["superuser", "editor", "journalist"])
def test_editing_only_the_alt_text_and_caption_keeps_the_stored_file(client, request, role):
    user = request.getfixturevalue(role)
    image = MediaImageFactory(uploaded_by=user)
    stored, renditions = image.file.name, image.renditions
    client.force_login(user)

    response = describe(client, image, alt_text="مرفأ بيروت عند الغروب", caption="تصوير: مداد")

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt_text, image.caption) == ("مرفأ بيروت عند الغروب", "تصوير: مداد")
    assert (image.file.name, image.renditions) == (stored, renditions)


def test_a_journalist_replaces_the_picture_of_their_own_unpublished_image(client, journalist):
    image = MediaImageFactory(uploaded_by=journalist)
    ArticleFactory(featured_image=image, status=Article.Status.DRAFT)
    old_name = image.file.name
    client.force_login(journalist)

    response = client.post(
        change_url(image),
        {"file": SimpleUploadedFile("new.jpg", jpeg_with_gps()), "alt_text": "صورة أخرى", "credit": ""},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name != old_name
    assert image.width == 1000


def shows_in_body(image, path):
    return f'<p>نص الخبر.</p><figure><img src="{path}" alt=""><figcaption>الميناء</figcaption></figure>'


@pytest.mark.parametrize(
    "shown_by",
    [
        lambda image: {"featured_image": image},
        lambda image: {"body": shows_in_body(image, image.file.url)},
        lambda image: {"body": shows_in_body(image, image.smallest_url)},  # one of its renditions
    ],
    ids=["featured", "original-in-body", "rendition-in-body"],
)
def test_a_journalist_cannot_replace_the_picture_of_a_live_article(client, journalist, shown_by):
    image = MediaImageFactory(uploaded_by=journalist, file__filename="ميناء بيروت.jpg")
    ArticleFactory(title="حريق في ميناء بيروت", **shown_by(image))
    client.force_login(journalist)

    replaced = client.post(
        change_url(image),
        {"file": SimpleUploadedFile("other.jpg", jpeg_with_gps()), "alt_text": "صورة أخرى", "credit": ""},
    )
    page = client.get(change_url(image)).content.decode()

    assert replaced.status_code == 403
    stored = MediaImage.objects.get()
    assert (stored.file.name, stored.alt_text) == (image.file.name, image.alt_text)
    assert "تظهر هذه الصورة في المقال المنشور «حريق في ميناء بيروت»، فلا يغيّرها أو يحذفها إلا محرر." in page
    assert 'name="_save"' not in page


def test_a_scheduled_article_locks_its_picture_too(client, journalist):
    image = MediaImageFactory(uploaded_by=journalist)
    ArticleFactory(featured_image=image, publish_at=timezone.now() + timedelta(hours=3))
    client.force_login(journalist)
    assert describe(client, image, alt_text="نص آخر").status_code == 403


def test_a_journalist_cannot_change_a_colleagues_image(client, journalist):
    image = MediaImageFactory(uploaded_by=UserFactory(role="Journalist"))
    client.force_login(journalist)

    assert describe(client, image, alt_text="نص آخر").status_code == 403
    page = client.get(change_url(image)).content.decode()
    assert "لا تعدّل إلا الصور التي رفعتها؛ اطلب من محرر تعديل هذه الصورة." in page
    assert 'name="_save"' not in page
    assert MediaImage.objects.get().alt_text == image.alt_text


def test_a_journalist_still_sees_every_image_and_picks_any_for_an_article(client, journalist):
    MediaImageFactory(alt_text="ميناء بيروت", uploaded_by=UserFactory(role="Editor"))
    client.force_login(journalist)
    assert "ميناء بيروت" in client.get(reverse("admin:articles_mediaimage_changelist")).content.decode()
    search = client.get(
        reverse("admin:autocomplete"),
        {"term": "ميناء", "app_label": "articles", "model_name": "article", "field_name": "featured_image"},
    )
    assert [result["text"] for result in search.json()["results"]] == ["ميناء بيروت"]


def test_a_journalist_deletes_no_image(client, journalist):
    image = MediaImageFactory(uploaded_by=journalist)
    client.force_login(journalist)
    delete_url = reverse("admin:articles_mediaimage_delete", args=[image.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert MediaImage.objects.exists()


def test_an_editor_changes_and_deletes_the_picture_of_a_live_article(client, editor, journalist):
    image = MediaImageFactory(uploaded_by=journalist)
    ArticleFactory(featured_image=image)
    client.force_login(editor)

    assert describe(client, image, alt_text="تعليق صححه المحرر").status_code == 302
    assert MediaImage.objects.get().alt_text == "تعليق صححه المحرر"
    delete_url = reverse("admin:articles_mediaimage_delete", args=[image.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not MediaImage.objects.exists()


# --- Rendition URLs ----------------------------------------------------------------------------
def described(*widths: int) -> MediaImage:
    """An image (not stored) whose JPEG and WebP renditions have `widths`, in that order."""
    return MediaImage(
        file="images/news.jpg",
        width=2000,
        height=1000,
        renditions={
            kind: [{"width": w, "height": w // 2, "name": f"images/r/{w}w.{extension}"} for w in widths]
            for kind, extension in (("fallback", "jpg"), ("webp", "webp"))
        },
    )


@pytest.mark.parametrize(
    ("asked", "given"), [(1200, 1200), (1000, 1200), (1, 480), (480, 480), (1601, 1600), (5000, 1600)]
)
def test_a_rendition_url_is_the_narrowest_at_least_as_wide_as_asked_else_the_widest(asked, given):
    image = described(1600, 480, 1200, 800)

    assert image.rendition_url(asked) == f"/media/images/r/{given}w.jpg"
    assert image.rendition_url(asked, kind="webp") == f"/media/images/r/{given}w.webp"


def test_an_image_without_renditions_gives_its_original_file():
    assert described().rendition_url(1200) == "/media/images/news.jpg"
    assert described().srcset == ""


def test_what_is_shared_is_the_1200_pixel_jpeg_and_the_page_shows_the_smallest_first():
    image = described(480, 800, 1200, 1600)

    assert image.share_url == "/media/images/r/1200w.jpg"
    assert image.smallest_url == "/media/images/r/480w.jpg"


def test_srcset_lists_each_rendition_url_with_its_width():
    image = described(480, 800)

    assert image.srcset == "/media/images/r/480w.webp 480w, /media/images/r/800w.webp 800w"
    assert image.srcset_fallback == "/media/images/r/480w.jpg 480w, /media/images/r/800w.jpg 800w"
    with pytest.raises(ValueError, match="webp"):
        image.rendition_url(1200, kind="avif")


def test_cards_and_the_article_page_show_the_renditions_as_a_picture(client):
    image = MediaImageFactory()
    article = ArticleFactory(featured_image=image)

    for url in (reverse("articles:home"), article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert f'<source type="image/webp" srcset="{image.srcset}"' in html, url
        assert f'<img src="{image.smallest_url}" srcset="{image.srcset_fallback}"' in html, url
