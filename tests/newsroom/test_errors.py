"""Bad input gets a 4xx page in Arabic and the site's design, never a 500; error pages are
never kept by a cache; a client's error is one log line, a server error its traceback."""

import io
import logging

import pytest
from django.test import Client, RequestFactory

from newsroom.errors import ClientErrorsInOneLine, server_error
from tests.factories import ArticleFactory

FORM = "application/x-www-form-urlencoded"
BAD_REQUEST = "تعذّر علينا فهم هذا الطلب"


@pytest.fixture
def browser():
    """A client as production meets it: CSRF checked, a server error answered, not raised."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def looks_like_the_site(response) -> str:
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'class="site-header"' in html
    assert "no-cache" in response["Cache-Control"]
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/x%00/", "/%00", "/news/a%00/", "/tag/a%00/"])
def test_a_nul_in_the_address_is_a_page_not_found(browser, path):
    response = browser.get(path)
    assert response.status_code == 404
    assert "لم نجد هذه الصفحة" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_search_is_left_out(browser):
    ArticleFactory(title="افتتاح معرض الكتاب")
    response = browser.get("/search/?q=%D9%85%D8%B9%D8%B1%D8%B6%00")  # "معرض" and a NUL
    assert response.status_code == 200
    assert "افتتاح معرض الكتاب" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/news/no-such-article/comment/"])
def test_a_form_in_a_charset_other_than_utf8_is_a_bad_request(browser, path):
    browser.cookies["csrftoken"] = "x" * 32  # any cookie: Django's check then parses the body
    response = browser.post(path, b"a=b", content_type=f"{FORM}; charset=utf-16")
    assert response.status_code == 400
    assert BAD_REQUEST in looks_like_the_site(response)


@pytest.mark.django_db
def test_a_multipart_post_without_boundary_to_an_unknown_address_is_not_found(browser):
    browser.cookies["csrftoken"] = "x" * 32
    response = browser.post("/nope/", b"a=b", content_type="multipart/form-data")
    assert response.status_code == 404


@pytest.mark.parametrize("content_type", ["text/plain; charset*=xx''abc", f"{FORM}; charset=utf-8\x00"])
def test_a_content_type_django_cannot_read_is_refused_in_front_of_it(content_type):
    """Django parses the header while building the request, before any middleware or error
    view: through gunicorn this was a bare 500 on every address."""
    from newsroom.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b"a=b"),
        "CONTENT_TYPE": content_type, "CONTENT_LENGTH": "3",
    }  # fmt: skip
    started = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["400 Bad Request"]
    assert BAD_REQUEST in body.decode()


@pytest.mark.django_db
def test_a_forged_host_gets_the_arabic_400_page(browser):
    response = browser.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert BAD_REQUEST in looks_like_the_site(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"a=" + b"x" * 3_000_000, 413, "ما أرسلته أكبر مما يقبله الموقع"),
        ("&".join(f"f{number}=1" for number in range(1001)).encode(), 400, BAD_REQUEST),
    ],
    ids=["too big", "too many fields"],
)
def test_a_body_django_refuses_to_parse_gets_an_arabic_page(browser, body, status, says):
    browser.cookies["csrftoken"] = "x" * 32
    response = browser.post("/admin/login/", body, content_type=FORM)
    assert response.status_code == status
    assert says in looks_like_the_site(response)


@pytest.mark.django_db
def test_a_page_someone_may_not_see_gets_the_arabic_403_page(browser, moderator):
    browser.force_login(moderator)
    response = browser.get("/admin/articles/article/")
    assert response.status_code == 403
    assert "لا تملك صلاحية فتح هذه الصفحة" in looks_like_the_site(response)


@pytest.mark.django_db
def test_a_page_not_found_is_never_cached(browser):
    first, second = browser.get("/news/no-such-article/"), browser.get("/news/no-such-article/")
    assert (first.status_code, second.status_code) == (404, 404)
    assert "X-Page-Cache" not in second
    assert "no-store" in first["Cache-Control"]  # nor by a shared cache in front


def test_the_500_page_needs_no_database(django_db_blocker):
    with django_db_blocker.block():  # any query would raise
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "حدث خطأ مؤقت" in looks_like_the_site(response)


def console_line(record) -> str:
    """`record` as the console handler of settings.LOGGING writes it."""
    (console,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, ClientErrorsInOneLine) for each in handler.filters)
    ]
    return console.format(console.filter(record))


@pytest.mark.django_db
def test_a_client_error_is_logged_in_one_line(browser, caplog):
    browser.get("/", headers={"host": "evil.example"})
    (record,) = [record for record in caplog.records if record.name == "django.security.DisallowedHost"]
    assert record.exc_info  # Django attaches the traceback…
    line = console_line(record)  # …the console leaves it out
    assert line.startswith("Invalid HTTP_HOST header: 'evil.example'.")
    assert line.endswith("[DisallowedHost]")
    assert "\n" not in line


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(browser, caplog, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    assert browser.get("/").status_code == 500
    (record,) = [record for record in caplog.records if record.name == "django.request"]
    assert "Traceback" in console_line(record)
    assert "RuntimeError: boom" in console_line(record)
