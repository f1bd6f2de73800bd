import pytest

from newsroom.models import SiteSettings
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_readers_get_the_cached_page_until_content_changes(client, django_assert_num_queries):
    SiteSettings.load()
    article = ArticleFactory(title="العنوان الأول للخبر")
    assert "العنوان الأول للخبر" in client.get("/").content.decode()
    with django_assert_num_queries(0):
        response = client.get("/")
    assert "max-age=60" in response["Cache-Control"]

    article.title = "العنوان بعد التعديل"
    article.save()  # saving content expires every cached page
    assert "العنوان بعد التعديل" in client.get("/").content.decode()


def test_logged_in_editors_are_never_served_from_the_page_cache(client):
    ArticleFactory(title="خبر منشور")
    client.get("/")  # cached for anonymous readers
    client.force_login(UserFactory(username="editor-x", role="Editor"))
    draft = ArticleFactory(title="مسودة المحرر", status="draft", publish_at=None)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_cached_pages_keep_their_content_security_policy_without_a_reused_nonce(client):
    ArticleFactory()
    client.get("/")
    cached = client.get("/")
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    # The page's one inline script is allowed by its hash: cached HTML carries no nonce.
    assert "nonce=" not in cached.content.decode()
