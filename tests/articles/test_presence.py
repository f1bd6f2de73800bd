"""«فلان يحرر هذا المقال الآن»: the change page's heartbeat and who else has the article open."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from articles import presence
from tests.articles.test_admin import change_url
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db


def heartbeat(client, article):
    return client.post(reverse("admin:articles_article_presence", args=[article.pk]))


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def colleague(db):
    return UserFactory(
        username="sara@example.com",
        first_name="سارة",
        last_name="حداد",
        email="sara@example.com",
        role="Editor",
    )


def test_the_change_page_beats_and_shows_the_notice(client, editor, article):
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert f'data-url="{reverse("admin:articles_article_presence", args=[article.pk])}"' in html
    assert "articles/admin/presence.js" in html


def test_others_see_who_has_the_article_open_by_name(client, editor, colleague, article):
    client.force_login(colleague)
    assert heartbeat(client, article).json() == {"editors": [], "notice": ""}

    client.force_login(editor)
    AuthorFactory(user=editor, display_name="أحمد علي")
    answer = heartbeat(client, article).json()
    assert answer == {"editors": ["سارة حداد"], "notice": "سارة حداد يحرر هذا المقال الآن"}
    assert "sara" not in str(answer)  # a name, never the email or the username

    client.force_login(colleague)
    assert heartbeat(client, article).json()["editors"] == ["أحمد علي"]  # the byline, when there is one


def test_several_editors_are_named_together(client, editor, colleague, article):
    for user in (colleague, UserFactory(username="omar", first_name="عمر", role="Editor"), editor):
        client.force_login(user)
        answer = heartbeat(client, article).json()
    assert answer["notice"] == "سارة حداد، عمر يحرران هذا المقال الآن"  # Arabic dual


def test_an_editor_who_stops_beating_is_forgotten(client, editor, colleague, article):
    client.force_login(colleague)
    heartbeat(client, article)
    client.force_login(editor)
    with time_machine.travel(timedelta(seconds=presence.HEARTBEAT_SECONDS + 1)):
        assert heartbeat(client, article).json()["editors"] == ["سارة حداد"]  # one beat late: still there
    with time_machine.travel(timedelta(seconds=presence.EXPIRY_SECONDS + 1)):
        assert heartbeat(client, article).json()["editors"] == []


def test_presence_is_for_those_who_may_edit_the_article_only(client, moderator, journalist, article):
    url = reverse("admin:articles_article_presence", args=[article.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(moderator)
    assert client.post(url).status_code == 403
    client.force_login(journalist)  # not their draft
    assert client.post(url).status_code == 403


def test_the_heartbeat_is_a_post_and_never_cached(client, editor, article):
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_presence", args=[article.pk])).status_code == 405
    assert "no-cache" in heartbeat(client, article)["Cache-Control"]


def test_without_the_cache_nobody_is_shown_and_nothing_breaks(client, editor, colleague, article, dead_redis):
    client.force_login(colleague)
    heartbeat(client, article)
    client.force_login(editor)
    response = heartbeat(client, article)
    assert response.status_code == 200
    assert response.json() == {"editors": [], "notice": ""}
