import pytest

from newsroom.demo import ensure_demo_accounts

pytestmark = pytest.mark.django_db


def test_home_page_is_arabic_and_right_to_left(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "مداد" in html


def test_english_pages_are_left_to_right(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.content.decode()


def test_the_frame_of_a_page_is_in_its_own_language_whichever_language_came_first(client):
    """The stylesheet links, the brand and the ticker's frame are rendered once per process
    and language ({% constant %}): an English page first must not give Arabic pages its own."""
    english = client.get("/en/").content.decode()
    arabic = client.get("/").content.decode()
    assert '<a class="site-header__brand" href="/en/">' in english
    assert '<a class="site-header__brand" href="/">' in arabic
    assert "أخبار عربية موثوقة، لحظة بلحظة" in arabic
    assert "أخبار عربية موثوقة، لحظة بلحظة" not in english
    arabic_font = "noto-naskh-arabic-arabic-400-normal"  # preloaded where the page is Arabic
    assert arabic_font in arabic
    assert arabic_font not in english
    assert 'data-ticker-url="/en/ticker/"' in english


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_admin_login_page_is_in_arabic(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "اسم المستخدم" in html


def test_demo_accounts_can_log_in_to_the_admin(client):
    ensure_demo_accounts()  # seed_demo's accounts, without its articles (tests/articles/test_demo.py)
    client.post("/admin/login/", {"username": "editor", "password": "midad-demo-2026"})
    assert client.get("/admin/").status_code == 200
