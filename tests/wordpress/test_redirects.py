"""Old WordPress addresses answer 301 with the imported article's address."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import ArticleFactory
from tests.wordpress.conftest import ARABIC_SLUG, run_import
from wordpress.models import LegacyRedirect, WordPressItem
from wordpress.wxr_writer import WXR, percent_encoded

pytestmark = pytest.mark.django_db


def article(wp_id) -> Article:
    return Article.objects.get(pk=WordPressItem.objects.get(kind="post", wp_id=str(wp_id)).object_id)


@pytest.fixture
def imported_site(site, uploads, tmp_path):
    run_import(site.write(tmp_path / "export.xml"), "--uploads", uploads)
    return site


def assert_redirects_to(response, post: Article):
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_a_percent_encoded_arabic_permalink_redirects_to_the_new_article(client, imported_site):
    old = f"/2024/05/12/{percent_encoded(ARABIC_SLUG)}/"

    assert_redirects_to(client.get(old), article(1))
    assert_redirects_to(client.get(old.upper()), article(1))  # %D8 or %d8


def test_the_decoded_form_and_a_missing_trailing_slash_redirect_too(client, imported_site):
    assert_redirects_to(client.get(f"/2024/05/12/{ARABIC_SLUG}/"), article(1))
    assert_redirects_to(client.get(f"/2024/05/12/{quote(ARABIC_SLUG)}"), article(1))


def test_a_date_based_permalink_redirects(client, imported_site):
    assert_redirects_to(client.get("/2024/06/01/vegetable-prices/"), article(2))


def test_the_query_string_form_redirects_on_any_path(client, imported_site):
    assert_redirects_to(client.get("/?p=1"), article(1))
    assert_redirects_to(client.get("/", {"p": "2"}), article(2))
    assert_redirects_to(client.get("/archive/", {"p": "2", "utm_source": "x"}), article(2))
    assert_redirects_to(client.get("/some/old/page/?p=8"), article(8))


def test_a_plain_permalink_site_redirects(client, tmp_path):
    site = WXR()
    site.post(41, "خبر بلا رابط جميل", slug="plain", link=f"{site.site}/?p=41")
    run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert set(LegacyRedirect.objects.filter(article=article(41)).values_list("old_path", flat=True)) == {
        "/?p=41"
    }
    assert_redirects_to(client.get("/?p=41"), article(41))


def test_only_public_articles_are_redirected_to(client, imported_site):
    assert client.get("/?p=4").status_code == 200  # a draft: the page asked for, no redirect
    assert client.get("/?p=3").status_code == 200  # scheduled, not yet public
    assert client.get("/?p=999").status_code == 200
    assert client.get("/2099/01/01/nothing/").status_code == 404
    assert not LegacyRedirect.objects.filter(article=article(4)).exists()


def test_an_article_unpublished_in_the_newsroom_is_no_longer_redirected_to(client, imported_site):
    Article.objects.filter(pk=article(2).pk).update(status=Article.Status.ARCHIVED)

    assert client.get("/2024/06/01/vegetable-prices/").status_code == 404


def test_ordinary_pages_never_look_for_old_addresses(client, imported_site):
    post = ArticleFactory()
    for url in ("/", post.get_absolute_url(), "/search/?q=ميناء", "/?page=2"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert not [query for query in queries if "wordpress_" in query["sql"]], url


def test_a_page_that_exists_is_served_even_if_an_old_address_matches(client, imported_site):
    post = article(2)
    LegacyRedirect.objects.create(old_path=f"/news/{post.slug}", article=article(1))

    assert client.get(post.get_absolute_url()).status_code == 200


def test_an_old_address_equal_to_the_new_one_is_not_kept(tmp_path):
    site = WXR()
    site.post(1, "رابط مطابق", slug="same", link=f"{site.site}/news/same/")

    run_import(site.write(tmp_path / "export.xml"), "--no-download")

    assert list(LegacyRedirect.objects.filter(article=article(1)).values_list("old_path", flat=True)) == [
        "/?p=1"
    ]


def test_administrators_can_review_old_addresses_and_the_import_memory(admin_client, imported_site):
    addresses = admin_client.get("/admin/wordpress/legacyredirect/?q=vegetable")
    memory = admin_client.get("/admin/wordpress/wordpressitem/?kind__exact=post")

    assert addresses.status_code == memory.status_code == 200
    assert "/2024/06/01/vegetable-prices" in addresses.content.decode()
    assert "/admin/wordpress/wordpressitem/add/" not in memory.content.decode()
