import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import MediaImage
from tests.factories import ArticleFactory

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
    assert "ليس ملفا لصورة" in response.content.decode()
    assert not MediaImage.objects.exists()


def test_an_image_beyond_our_pixel_limit_is_refused_in_arabic(client, journalist, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000 * 600 - 1)
    client.force_login(journalist)
    response = upload(client, jpeg_with_gps())
    assert "أبعاد الصورة كبيرة جداً" in response.content.decode()
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
