"""A comment post the site cannot take — malformed, huge, or a body Django refuses to parse —
brings the reader back to their form, in Arabic, with what they typed as far as it can be
kept, and never megabytes of it."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from comments.forms import ECHO_LIMIT, REPLY_LOST
from comments.models import Comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"
TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


@pytest.fixture
def article():
    return ArticleFactory(title="افتتاح الميناء الجديد")


@pytest.fixture
def reader():
    """A reader's browser as production meets it: CSRF checked, errors answered, not raised."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.token = browser.get("/csrf/").json()["token"]
    return browser


def post(reader, article, body: bytes):
    return reader.post(f"/news/{article.slug}/comment/", body, content_type=FORM)


def form(reader, **fields) -> bytes:
    return urlencode({"csrfmiddlewaretoken": reader.token} | fields).encode()


def shown(response, name) -> str:
    """What the re-rendered form shows in field `name`."""
    page = response.content.decode()
    if textarea := re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S):
        return html.unescape(textarea.group(1))
    value = re.search(r'value="([^"]*)"', re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0))
    return html.unescape(value.group(1)) if value else ""


def test_a_reply_to_a_malformed_comment_number_says_so_and_keeps_the_text(reader, article):
    response = post(
        reader, article, form(reader, name="هدى", email="huda@example.com", text="رأيي", parent="abc")
    )
    assert response.status_code == 400
    assert str(REPLY_LOST) in response.content.decode()
    assert (shown(response, "name"), shown(response, "text")) == ("هدى", "رأيي")
    assert shown(response, "parent") == ""  # sent again, it is a comment of its own
    assert not Comment.objects.exists()


def test_a_two_megabyte_comment_is_refused_without_echoing_it(reader, article):
    text = "تعليق طويل " + "x" * 2_000_000  # 2 MB, within the upload limit
    response = post(reader, article, form(reader, name="هدى", email="huda@example.com", text=text))
    assert response.status_code == 400
    assert len(response.content) < 100_000
    assert shown(response, "text") == text[:ECHO_LIMIT]
    assert f"لم نُعِد إليك إلا أول {ECHO_LIMIT} حرف" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_post_over_the_upload_limit_gets_the_form_back_with_its_beginning(reader, article):
    body = form(reader, name="هدى", email="huda@example.com", text="بداية التعليق " + "ر" * TOO_BIG)
    response = post(reader, article, body)
    assert response.status_code == 413
    page = response.content.decode()
    assert "أكبر بكثير مما يقبله الموقع، فلم يُحفظ تعليقك" in page
    assert "أعدنا إليك ما استطعنا قراءته" in page
    assert shown(response, "name") == "هدى"
    assert shown(response, "text").startswith("بداية التعليق ")
    assert len(response.content) < 100_000
    assert "private" in response["Cache-Control"]
    assert not Comment.objects.exists()


def test_a_post_with_too_many_fields_keeps_the_comment(reader, article):
    padding = {f"field{number}": "1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    response = post(reader, article, form(reader, name="هدى", text="تعليق كامل", **padding))
    assert response.status_code == 400
    assert "بحقول أكثر مما يقبله الموقع" in response.content.decode()
    assert shown(response, "text") == "تعليق كامل"


def test_a_multipart_post_over_the_limit_says_the_text_could_not_be_kept(reader, article):
    fields = {"csrfmiddlewaretoken": reader.token, "text": "ر" * TOO_BIG}
    response = reader.post(f"/news/{article.slug}/comment/", fields)  # multipart/form-data
    assert response.status_code == 413
    assert "لم نتمكن من الاحتفاظ بما كتبت" in response.content.decode()
    assert shown(response, "text") == ""
