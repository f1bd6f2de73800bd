"""Brute force on the admin login: after 5 failures, per username and per address, logins are
refused (HTTP 429, an Arabic page in the admin's look) for 15 minutes, whatever the password."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "secret-pass-123"  # tests/factories.py
LOCKED = "محاولات دخول فاشلة كثيرة، فأُوقف الدخول مؤقتاً. حاول مرة أخرى لاحقاً."
PER_RESPONSE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')  # CSRF, CSP


def log_in(username, password, ip="203.0.113.10", path=LOGIN, **headers):
    """A login through the admin's form, from a new browser at `ip`."""
    return Client(REMOTE_ADDR=ip, **headers).post(path, {"username": username, "password": password})


def fail(times, username="editor-1", ips=("203.0.113.10",)):
    """Wrong passwords `times` times, cycling through `ips`; every answer but a lockout's."""
    return [log_in(username, "wrong-password", ip=ips[i % len(ips)]).status_code for i in range(times)]


def page(response) -> str:
    """The page without what differs on every response."""
    return PER_RESPONSE.sub("", response.content.decode())


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(editor):
    assert fail(4) == [200] * 4
    assert fail(1) == [429]

    response = log_in("editor-1", PASSWORD)
    assert response.status_code == 429
    assert "sessionid" not in response.cookies
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "مداد — غرفة الأخبار" in html  # the admin's header
    assert f'<p class="errornote" role="alert">{LOCKED}</p>' in html
    assert 'id="login-form"' in html
    assert (
        "Too many failed login attempts" in log_in("editor-1", PASSWORD, path="/en" + LOGIN).content.decode()
    )


def test_the_lockout_ends_after_fifteen_minutes(editor):
    fail(5)
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert log_in("editor-1", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert log_in("editor-1", PASSWORD).status_code == 302


def test_a_username_attacked_from_many_addresses_is_locked(editor):
    addresses = [f"198.51.100.{n}" for n in range(1, 6)]
    assert fail(5, ips=addresses) == [200] * 4 + [429]

    assert log_in("editor-1", PASSWORD, ip="192.0.2.99").status_code == 429
    UserFactory(username="journalist-2")
    assert log_in("journalist-2", PASSWORD, ip="192.0.2.99").status_code == 302  # the address is not


def test_an_address_trying_many_usernames_is_locked(editor):
    answers = [log_in(f"guess-{n}", "wrong-password").status_code for n in range(5)]
    assert answers == [200] * 4 + [429]

    assert log_in("editor-1", PASSWORD).status_code == 429
    assert log_in("editor-1", PASSWORD, ip="192.0.2.99").status_code == 302  # the user is not


def test_a_forged_x_forwarded_for_does_not_change_the_address(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        log_in(f"guess-{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert log_in("editor-1", PASSWORD, ip="203.0.113.10").status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_one_it_saw(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    nginx = "10.0.0.2"
    for n in range(5):
        log_in(f"guess-{n}", "wrong-password", ip=nginx, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in("editor-1", PASSWORD, ip=nginx, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert log_in("editor-1", PASSWORD, ip=nginx, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 302


def test_answers_do_not_tell_which_usernames_exist(editor):
    def wrong_password(username, ip):
        response = log_in(username, "wrong-password", ip=ip)
        return response.status_code, page(response).replace(f'value="{username}"', 'value=""')

    assert wrong_password("editor-1", "198.51.100.1") == wrong_password("nobody-1", "198.51.100.2")

    fail(5, username="editor-1", ips=["198.51.100.3"])
    fail(5, username="nobody-1", ips=["198.51.100.4"])
    existing = log_in("editor-1", PASSWORD, ip="198.51.100.5")
    unknown = log_in("nobody-1", PASSWORD, ip="198.51.100.6")
    assert existing.status_code == unknown.status_code == 429
    assert page(existing) == page(unknown)


def test_a_successful_login_resets_the_count(editor):
    assert fail(4) == [200] * 4
    assert log_in("editor-1", PASSWORD).status_code == 302
    assert fail(4) == [200] * 4


def test_superusers_see_and_clear_lockouts_in_the_admin(client, editor, superuser):
    fail(5)
    client.force_login(superuser)
    attempts = client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert attempts.status_code == 200
    assert "editor-1" in attempts.content.decode()

    attempt = AccessAttempt.objects.get(username="editor-1")
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert log_in("editor-1", PASSWORD).status_code == 302

    client.force_login(editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_manage_py_axes_reset_username_unlocks_an_account(editor):
    fail(5)
    call_command("axes_reset_username", "editor-1")
    assert log_in("editor-1", PASSWORD).status_code == 302
