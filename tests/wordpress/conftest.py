import hashlib
import socket
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from PIL import Image

from articles.models import ArticleTranslation
from wordpress.wxr_writer import WXR, Comment, in_days

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The import tests never leave the machine: only loopback addresses can be reached."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise OSError(f"tests must not use the network (tried {host})")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock, address):
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise OSError(f"tests must not use the network (tried {address[0]})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


def jpeg(size=(640, 400), colour=(30, 90, 160)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of wp-content/uploads: originals, a resized copy, and a 'picture' that is text."""
    folder = tmp_path / "uploads"
    files = {
        "2024/05/port.jpg": jpeg(),
        "2024/05/port-300x200.jpg": jpeg((300, 200)),
        "2024/05/market.jpg": jpeg(colour=(200, 120, 40)),
        "2024/05/ميناء-جدة.jpg": jpeg(colour=(20, 160, 80)),
        "2024/05/broken.jpg": b"<?php echo 'not a picture'; ?>",
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def run_import(*args, verbosity: int = 1) -> str:
    out = StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, verbosity=verbosity)
    return out.getvalue()


def database_counts() -> dict[str, int]:
    """How many rows every model has."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def content_checksum() -> str:
    rows = ArticleTranslation.objects.order_by("pk").values_list(
        "pk", "language_code", "title", "slug", "dek", "body", "image_caption"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


ARABIC_TITLE = "ميناء جدة يستقبل أكبر سفينة حاويات"
ARABIC_SLUG = "ميناء-جدة-يستقبل-أكبر-سفينة-حاويات"
BLOCK_BODY = """<!-- wp:paragraph -->
<p>استقبل الميناء <strong>اليوم</strong> السفينة.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>التفاصيل</h2>
<!-- /wp:heading -->

<!-- wp:image {"id":301,"sizeSlug":"medium"} -->
<figure class="wp-block-image size-medium"><img src="https://old.example.com/wp-content/uploads/2024/05/port-300x200.jpg" alt="الرافعات" class="wp-image-301" srcset="https://old.example.com/wp-content/uploads/2024/05/port-300x200.jpg 300w, https://old.example.com/wp-content/uploads/2024/05/port.jpg 640w"/></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://twitter.com/jeddahport/status/1789"} -->
<figure class="wp-block-embed is-type-rich is-provider-twitter"><div class="wp-block-embed__wrapper">
https://twitter.com/jeddahport/status/1789
</div></figure>
<!-- /wp:embed -->"""
CLASSIC_BODY = """السطر الأول من الفقرة الأولى
والسطر الثاني منها.

الفقرة الثانية عن <em>السوق</em>.

[caption id="attachment_302" align="alignright" width="300"]<a href="https://old.example.com/wp-content/uploads/2024/05/market.jpg"><img class="size-medium wp-image-302" src="https://old.example.com/wp-content/uploads/2024/05/market.jpg" alt="السوق" width="300" height="200" /></a> سوق الخضار في الصباح[/caption]

https://www.youtube.com/watch?v=dQw4w9WgXcQ

[contact-form-7 id="12" title="اتصل بنا"]
[highlight color="yellow"]نص مميّز يبقى[/highlight]
وبين قوسين [تحديث] يبقى كما هو."""
HOSTILE_BODY = """<p>نص عادي</p>
<script>alert('xss')</script>
<img src="x" onerror="alert(1)">
<p onclick="steal()">انقر <a href="javascript:alert(1)">هنا</a></p>"""


@pytest.fixture
def site() -> WXR:
    """A small Arabic news site with every case the importer knows about."""
    wxr = WXR()
    wxr.author("khaled", "خالد العتيبي", email="khaled@old.example.com", first_name="خالد")
    wxr.author("mona", "منى الحربي", email="mona@old.example.com")
    wxr.category("اقتصاد", "اقتصاد")
    wxr.category("أسواق", "أسواق", parent="اقتصاد")
    wxr.category("رياضة", "رياضة")
    wxr.tag("الإقتصاد", "الإقتصاد")
    wxr.tag("الاقتصاد", "الاقتصاد")
    wxr.tag("موانئ", "موانئ")
    wxr.attachment(301, "2024/05/port.jpg", parent=1, alt="سفينة في ميناء جدة", caption="الميناء صباحاً")
    wxr.attachment(302, "2024/05/market.jpg", alt="السوق")
    wxr.attachment(303, "2024/05/broken.jpg")
    wxr.post(
        1,
        ARABIC_TITLE,
        BLOCK_BODY,
        slug=ARABIC_SLUG,
        excerpt="أكبر سفينة <b>تصل</b> إلى الميناء.",
        categories=["اقتصاد"],
        tags=["الإقتصاد", "موانئ"],
        sticky=True,
        thumbnail_id=301,
        comments=[
            Comment(11, "خبر رائع!", author="سارة", email="sara@private.example", ip="198.51.100.23"),
            Comment(
                12, "شكراً سارة", author="علي", email="ali@private.example", parent=11, ip="198.51.100.24"
            ),
            Comment(13, "رد على الرد", author="منى", email="mona.reader@private.example", parent=12),
            Comment(14, "بانتظار المراجعة", email="pending@private.example", approved="0"),
            Comment(15, "اشترِ الآن", email="spam@private.example", approved="spam"),
            Comment(16, "محذوف", email="trash@private.example", approved="trash"),
        ],
    )
    wxr.post(2, "أسعار الخضار في السوق", CLASSIC_BODY, slug="vegetable-prices", categories=["أسواق", "اقتصاد"], tags=["الاقتصاد"], creator="mona", date="2024-06-01 08:00:00")  # fmt: skip
    wxr.post(3, "مباراة الغد", "<p>موعد المباراة.</p>", slug="match", status="future", date=in_days(3), date_gmt=in_days(3), categories=["رياضة"])  # fmt: skip
    wxr.post(4, "مسودة لم تكتمل", "نص المسودة", status="draft", date="2024-05-20 10:00:00", date_gmt="0000-00-00 00:00:00", categories=["رياضة"])  # fmt: skip
    wxr.post(5, "بانتظار المحرر", "نص", slug="pending-post", status="pending", categories=["رياضة"])
    wxr.post(6, "ملاحظات داخلية", "سري", slug="internal", status="private", categories=["رياضة"])
    wxr.post(7, "خبر فيه صورة معطوبة", "<p>نص</p>", slug="broken-image", thumbnail_id=303, categories=["رياضة"])  # fmt: skip
    wxr.post(8, "خبر فيه شيفرة خبيثة", HOSTILE_BODY, slug="hostile", categories=["رياضة"])
    wxr.post(9, "صفحة من نحن", "عن الموقع", slug="about", post_type="page")
    return wxr


@pytest.fixture
def first_post_fails(monkeypatch):
    """The import of post 1 fails at its very last step (its old addresses), after everything
    else of it was written; the other posts import normally."""
    from wordpress.importing import redirects

    keep_addresses = redirects.keep_old_addresses

    def fail_for_the_first(context, item, post):
        if item.wp_id == "1":
            raise RuntimeError("disk full")
        return keep_addresses(context, item, post)

    monkeypatch.setattr(redirects, "keep_old_addresses", fail_for_the_first)
