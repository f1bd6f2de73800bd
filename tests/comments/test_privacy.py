"""Commenters' email addresses never reach a public page, a feed or an error report."""

import hashlib
import re
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from articles.models import Article
from comments.models import Comment
from newsroom.models import SiteSettings
from tests.comments.reader import reader_tokens, sql_of
from tests.factories import ArticleFactory, CommentFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db
POSTER = "poster-own@mine.example"


def secrets_of(email: str) -> list[str]:
    """The address, its local part, and the hashes an avatar service would be given."""
    email = email.strip().lower()
    return [
        email,
        email.split("@")[0],
        hashlib.md5(email.encode()).hexdigest(),
        hashlib.sha256(email.encode()).hexdigest(),
    ]


def everything(response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return (headers + "\n" + response.content.decode()).lower()


@pytest.fixture
def newsroom():
    """Two articles with comments of every kind, each commenter with an address of their own."""
    SiteSettings.load()
    section = SectionFactory(name="محليات")
    first = ArticleFactory(section=section, title="مهرجان الكتاب في المدينة", tags=["ثقافة"])
    second = ArticleFactory(section=section, title="افتتاح مكتبة عامة جديدة", tags=["ثقافة"])
    first.set_current_language("en")
    first.title = "The city book festival"
    first.save()
    first.set_current_language("ar")
    emails = [f"leak-{n}@secret.example" for n in range(1, 8)]
    top = CommentFactory(
        article=first, email=emails[0], website="https://reader-one.example", is_featured=True
    )
    CommentFactory(article=first, parent=top, email=emails[1], website="https://reader-two.example")
    CommentFactory(article=first, parent=top, email=emails[2], staff_author=UserFactory(username="desk-p"))
    CommentFactory(article=first, email=emails[3], status=Comment.Status.PENDING, text="تعليق محتجز")
    CommentFactory(article=first, email=emails[4], status=Comment.Status.SPAM, text="إعلان مزعج")
    CommentFactory(article=second, email=emails[5].upper(), name="Leak Six")
    CommentFactory(article=second, email=emails[6], status=Comment.Status.REJECTED)
    return first, second, emails


def assert_no_address(text: str, emails: list[str], where: str) -> None:
    for email in emails:
        for secret in secrets_of(email):
            assert secret not in text, f"{secret} leaked in {where}"
    assert "secret.example" not in text, where


def post_comment(client, article, *, ip, **fields):
    client.get(article.get_absolute_url(), REMOTE_ADDR=ip)
    form = {
        "name": "كاتب التعليق",
        "email": POSTER,
        "text": "رأيي في المهرجان",
        "rendered_at": reader_tokens(client)["rendered_at"],
    } | fields
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        return client.post(f"/news/{article.slug}/comment/", form, REMOTE_ADDR=ip)


def test_no_public_page_shows_a_commenters_address(client, newsroom):
    first, second, emails = newsroom
    now = timezone.localtime(first.publish_at)
    english = "/en" + reverse(
        "articles:detail", kwargs={"slug": first.safe_translation_getter("slug", language_code="en")}
    )
    pages = {
        "home": "/",
        "article": first.get_absolute_url(),
        "article from the page cache": first.get_absolute_url(),
        "second article": second.get_absolute_url(),
        "section": first.section.get_absolute_url(),
        "tag": "/tag/ثقافة/",
        "author": first.author.get_absolute_url(),
        "archive": reverse("articles:archive"),
        "archive month": reverse("articles:archive_month", args=[now.year, now.month]),
        "search": "/search/?q=مهرجان",
        "english article": english,
        "rss": "/feed/",
        "atom": "/feed/atom/",
        "section feed": f"/section/{first.section.slug}/feed/",
        "tag feed": "/tag/ثقافة/feed/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/news-sitemap.xml",
        "robots": "/robots.txt",
        "ticker": "/ticker/",
        "not found": "/news/no-such-article/",
    }
    for where, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if where == "article from the page cache":
            assert response["X-Page-Cache"] == "hit"
            assert sql_of(queries) == []
        assert response.status_code == (404 if where == "not found" else 200), where
        assert_no_address(everything(response), emails, where)
    article = client.get(first.get_absolute_url()).content.decode()  # the comments are there…
    assert 'href="https://reader-one.example"' in article
    assert 'class="comment__name">Leak Six' in client.get(second.get_absolute_url()).content.decode()
    assert "مهرجان الكتاب" in client.get("/search/?q=مهرجان").content.decode()
    assert "The city book festival" in client.get(english).content.decode()
    assert Article.objects.published().count() == 2


@pytest.mark.parametrize("refusal", [400, 403, 429])
def test_a_refused_comment_shows_only_what_its_author_typed(client, newsroom, refusal):
    first, _second, emails = newsroom
    if refusal == 429:
        assert post_comment(client, first, ip="192.0.2.10", text="تعليق أول").status_code == 302
        response = post_comment(client, first, ip="192.0.2.10", text="تعليق ثانٍ سريع")
    elif refusal == 403:  # no CSRF token: a page from the shared cache, without JavaScript
        response = post_comment(Client(enforce_csrf_checks=True), first, ip="192.0.2.14")
    else:
        response = post_comment(client, first, ip="192.0.2.11", name="")
    assert response.status_code == refusal
    assert "private" in response["Cache-Control"]
    html = response.content.decode()
    assert_no_address(html.lower(), emails, f"the {refusal} page")
    assert html.count(POSTER) == 1
    assert f'name="email" value="{POSTER}"' in html


@pytest.mark.parametrize("remember", [False, True])
def test_the_author_of_a_pending_comment_sees_it_without_their_address(client, newsroom, remember):
    first, _second, emails = newsroom
    response = post_comment(client, first, ip="192.0.2.12", **({"remember": "on"} if remember else {}))
    html = client.get(response["Location"]).content.decode()
    assert "رأيي في المهرجان" in html
    assert "تعليقك بانتظار المراجعة" in html
    assert_no_address(html.lower(), emails, "the author's own page")
    if remember:  # prefilled in the form, and nowhere else
        assert html.count(POSTER) == 1
        assert re.search(rf'<input type="email" name="email" value="{re.escape(POSTER)}"', html)
    else:
        assert POSTER.split("@")[0] not in html
    assert "mine.example" not in Client().get(first.get_absolute_url()).content.decode()


def test_an_error_report_of_a_failing_comment_post_keeps_the_address_out(newsroom, monkeypatch):
    first, _second, _emails = newsroom
    reports = []

    def fail(**kwargs):
        raise RuntimeError("database went away")

    def report(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append((request, reporter.get_traceback_text(), reporter.get_traceback_html()))

    monkeypatch.setattr("comments.views.comment_create", fail)
    got_request_exception.connect(report)
    try:
        response = post_comment(Client(raise_request_exception=False), first, ip="192.0.2.13")
    finally:
        got_request_exception.disconnect(report)
    assert response.status_code == 500
    ((request, text, html),) = reports
    assert "database went away" in text
    assert {"email", "name"} <= set(request.sensitive_post_parameters)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["email"] == SafeExceptionReporterFilter.cleansed_substitute
    assert cleansed["text"] == "رأيي في المهرجان"  # the rest is kept, to debug with
    for secret in secrets_of(POSTER):
        assert secret not in text
        assert secret not in html
