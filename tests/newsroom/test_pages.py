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
