"""No input makes the site answer 5xx.

Generated requests go to every URL pattern of the site (walked from the resolver, their
converters filled with real values, values of the right shape and awkward ones: NULs, huge
numbers, Arabic, broken percent-escapes, lone surrogates), to the comment form and to the
admin login, with generated query strings, headers, cookies, content types, charsets and
bodies. SEED_CORPUS holds every input that once broke the site. `make test` runs a few
examples of each (the "quick" Hypothesis profile), `make fuzz` thousands (tests/conftest.py).
"""

import re
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from hypothesis import example, given
from hypothesis import strategies as st

from newsroom import formstamp
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF_SECRET = "fuzz" * 8  # a token the form field and the cookie agree on
FORM = "application/x-www-form-urlencoded"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")  # as in django.urls.resolvers
TOO_BIG = b"text=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
TOO_MANY_FIELDS = "&".join(
    f"f{number}=1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
).encode()


def url_patterns(resolver=None, chain=()):
    """Every URL pattern of the site, as the chain of patterns from the root to it."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, (*chain, entry.pattern))
        else:
            yield (*chain, entry.pattern)


PATTERNS = list(url_patterns())


def escaped(text: str, safe: str = "") -> str:
    """`text` percent-encoded as a browser would send it (a lone surrogate as its UTF-8 bytes)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


AWKWARD_VALUES = [
    "", "0", "-1", "9" * 20, "9" * 5000, "١٢٣", "\x00", "a\x00b", "\ud800", "\udfff", "..", "../../etc/passwd",
    " ", "\u200f\u200b", "ـــ", "1e309", "NaN", "<script>", "' OR 1=1 --", "%", "a" * 3000,
]  # fmt: skip
arabic = st.text(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), min_size=1, max_size=30)
awkward_text = st.one_of(
    st.text(max_size=30),  # any character, NUL included
    arabic,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(AWKWARD_VALUES),
)
# Sent as they are: broken and encoded escapes, overlong UTF-8, an encoded surrogate.
raw_escapes = st.sampled_from(
    ["%00", "%", "%zz", "%ff%fe", "%2F", "%2e%2e", "%C0%AF", "%ED%A0%80", "%E2%80", "%25"]
)
awkward = st.one_of(awkward_text.map(escaped), raw_escapes, st.lists(raw_escapes, max_size=3).map("".join))

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
mojibake = arabic.map(lambda text: text.encode().decode("latin-1"))  # UTF-8 bytes read as WSGI does
cookie = st.tuples(
    st.sampled_from(["csrftoken", "sessionid", "midad_commenter", "messages", "django_language", "x"]),
    st.one_of(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=";"), max_size=80),
              st.just(CSRF_SECRET)),
).map("=".join)  # fmt: skip
charsets = st.sampled_from(
    ["utf-8", "UTF-16", "utf-32", "latin-1", "ascii", "x-unknown", "", '"utf-8"', "utf-8\x00"]
)
media_types = st.sampled_from(
    [FORM, "multipart/form-data", "text/plain", "application/json", "application/xml", ""]
)
ODD_CONTENT_TYPES = [
    MULTIPART_CONTENT, "multipart/form-data; boundary=", "multipart/form-data; boundary=" + "b" * 300,
    "text/plain; charset*=xx''abc", "multipart/form-data; boundary*=utf-8''%E2%80", "text/plain; a=" + "x" * 10_000,
]  # fmt: skip
content_type = st.one_of(
    media_types,
    st.tuples(media_types, charsets).map("; charset=".join),
    st.sampled_from(ODD_CONTENT_TYPES),
    header_text,
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Host": st.one_of(
            st.sampled_from(
                [
                    "testserver",
                    "testserver:80",
                    "testserver:99999",
                    "evil.example",
                    "[::1]",
                    "",
                    "testserver.",
                    "a" * 300,
                    "testserver:abc",
                    "127.0.0.1",
                ]
            ),
            header_text,
        ),
        "Cookie": st.lists(cookie, max_size=4).map("; ".join) | header_text,
        "Accept-Language": st.sampled_from(["ar", "en", "*", "ar-SA,ar;q=0.9,en;q=0.8", "en;q=abc", "xx"])
        | header_text,
        "Content-Type": content_type,
        "User-Agent": header_text | mojibake,
        "Referer": header_text | mojibake,
        "Origin": st.sampled_from(["http://testserver", "null", "https://evil.example"]) | header_text,
        "X-Forwarded-For": header_text,
        "X-Forwarded-Proto": st.sampled_from(["https", "http", ""]) | header_text,
        "Sec-Fetch-Site": st.sampled_from(["same-origin", "cross-site", "none"]) | header_text,
        "If-None-Match": header_text,
        "If-Modified-Since": st.sampled_from(
            ["Thu, 01 Jan 1970 00:00:00 GMT", "Sat, 31 Dec 9999 23:59:59 GMT"]
        )
        | header_text,
        "Range": header_text,
    },
)


def form_body(fields: dict) -> bytes:
    return "&".join(f"{escaped(name)}={escaped(value)}" for name, value in fields.items()).encode()


def multipart_body(fields: dict) -> bytes:
    return encode_multipart(
        BOUNDARY, {name: value.encode(errors="replace").decode() for name, value in fields.items()}
    )


field_names = st.sampled_from(
    ["csrfmiddlewaretoken", "name", "email", "text", "parent", "q", "next", "language"]
)
fields = st.dictionaries(field_names | st.text(max_size=10), awkward_text | st.just(CSRF_SECRET), max_size=6)
body = st.one_of(
    fields.map(form_body),
    fields.map(multipart_body),
    st.binary(max_size=300),
    st.sampled_from([TOO_BIG, TOO_MANY_FIELDS]),
)
methods = st.sampled_from(
    ["GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND"]
)
query_keys = st.sampled_from(
    ["q", "page", "p", "page_id", "replyto", "next", "language", "o", "_changelist_filters"]
)
query = st.lists(st.tuples(query_keys | awkward, awkward), max_size=4).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


@pytest.fixture
def site():
    """Real rows, so that generated addresses reach real pages, and the values that name them."""
    article = ArticleFactory(title="افتتاح معرض الكتاب", tags=["ثقافة"])
    comment = CommentFactory(article=article)
    staff = UserFactory(username="fuzz-admin", is_superuser=True)
    values = {
        "slug": [article.slug, article.section.slug, article.tags.first().slug, article.author.slug],
        "pk": [article.pk, comment.pk],
        "object_id": [article.pk, comment.pk, staff.pk],
        "year": [article.publish_at.year],
        "month": [article.publish_at.month],
    }
    return article, staff, values


def address(pattern_chain, values) -> st.SearchStrategy[str]:
    """Addresses for one URL pattern: each converter gets a real value, a value of its shape, or
    an awkward one."""
    parts = []
    for pattern in pattern_chain:
        if isinstance(pattern, LocalePrefixPattern):
            parts.append(st.sampled_from(["", "en/", "fr/"]))
        elif isinstance(pattern, RoutePattern):
            route = str(pattern)
            position = 0
            for parameter in PARAMETER.finditer(route):
                parts.append(st.just(route[position : parameter.start()]))
                converter = pattern.converters[parameter["name"]]
                shaped = st.from_regex(converter.regex, fullmatch=True).map(
                    lambda text: escaped(text, safe="/")
                )
                real = st.sampled_from(values.get(parameter["name"], ["1"])).map(
                    lambda value: escaped(str(value))
                )
                parts.append(st.one_of(real, shaped, awkward))
                position = parameter.end()
            parts.append(st.just(route[position:]))
        else:  # a regular expression
            parts.append(
                st.from_regex(pattern.regex, fullmatch=True).map(lambda text: escaped(text, safe="/"))
            )
    return st.tuples(*parts).map(lambda pieces: "/" + "".join(pieces))


@given(data=st.data(), method=methods, query=query, headers=headers, body=body, as_staff=st.booleans())
def test_no_address_of_the_site_answers_5xx(send, site, data, method, query, headers, body, as_staff):
    _article, staff, values = site
    path = data.draw(st.sampled_from(PATTERNS).flatmap(lambda chain: address(chain, values)), label="path")
    sent_body = body if method not in ("GET", "HEAD") else b""
    response = send(
        "every address", method, f"{path}?{query}", sent_body, headers, staff if as_staff else None
    )
    assert response.status_code < 500


def comment_fields() -> st.SearchStrategy[dict]:
    """A reader's form, as they send it or as a script mangles it."""
    fair = {
        "csrfmiddlewaretoken": st.just(CSRF_SECRET),
        "rendered_at": st.sampled_from(
            [formstamp.issue(at=time.time() - 60), formstamp.issue(), "", "1:2:3"]
        ),
        "name": st.sampled_from(["هدى", "Huda"]) | awkward_text,
        "email": st.sampled_from(["huda@example.com", "هدى@مثال.السعودية"]) | awkward_text,
        "website": st.sampled_from(["", "https://example.com", "javascript:alert(1)", "http://[::1"])
        | awkward_text,
        "text": st.sampled_from(["متى يبدأ التشغيل؟", "x" * 2_000_000]) | arabic | awkward_text,
        "parent": st.sampled_from(["", "abc", "-1", "9" * 30, "9" * 5000, "١"]) | awkward_text,
        "remember": st.sampled_from(["on", ""]) | awkward_text,
        "homepage": st.sampled_from(["", "http://spam.example"]),
    }
    return st.fixed_dictionaries({}, optional=fair)


@given(data=st.data(), headers=headers, encoding=st.sampled_from(["form", "multipart", "form+charset"]))
def test_the_comment_form_never_answers_5xx(send, site, data, headers, encoding):
    article, _staff, _values = site
    fields = data.draw(comment_fields(), label="fields")
    if encoding == "multipart":
        sent, kind = multipart_body(fields), MULTIPART_CONTENT
    else:
        sent, kind = (
            form_body(fields),
            FORM + ("; charset=" + data.draw(charsets) if encoding == "form+charset" else ""),
        )
    headers = {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": kind} | headers
    language = data.draw(st.sampled_from(["", "/en"]), label="language")
    response = send(
        "comment form", "POST", f"{language}/news/{escaped(article.slug)}/comment/", sent, headers
    )
    assert response.status_code < 500
    assert len(response.content) < 500_000  # a refused form never echoes megabytes


@given(data=st.data(), headers=headers)
def test_the_admin_login_never_answers_5xx(send, site, data, headers):
    _article, staff, _values = site
    login = {
        "csrfmiddlewaretoken": st.just(CSRF_SECRET),
        "username": st.sampled_from([staff.username, "admin"]) | awkward_text,
        "password": st.sampled_from(["secret-pass-123", "wrong"]) | awkward_text,
        "next": st.sampled_from(["/admin/", "//evil.example", "javascript:alert(1)"]) | awkward_text,
        "this_is_the_login_form": st.just("1"),
    }
    fields = data.draw(st.fixed_dictionaries({}, optional=login), label="fields")
    headers = {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": FORM} | headers
    response = send("admin login", "POST", "/admin/login/", form_body(fields), headers)
    assert response.status_code < 500  # a lockout (403, 429) is an answer too


# Every input that once made the site answer 5xx (or lose what a reader typed), replayed on
# every run: (what, method, path, body, headers).
SEED_CORPUS = [
    ("NUL in an unknown path", "GET", "/x%00/", b"", {}),
    ("NUL alone", "GET", "/%00", b"", {}),
    ("NUL in an article slug", "GET", "/news/a%00/", b"", {}),
    ("NUL in a tag slug", "GET", "/tag/a%00/", b"", {}),
    ("NUL in a search", "GET", "/search/?q=a%00b", b"", {}),
    ("NUL in a WordPress query", "GET", "/?p=1%00", b"", {}),
    ("UTF-16 form", "POST", "/", b"a=b", {"Cookie": "csrftoken=x", "Content-Type": f"{FORM}; charset=utf-16"}),
    ("UTF-16 form to the admin", "POST", "/admin/login/", b"a=b",
     {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": f"{FORM}; charset=utf-16"}),
    ("multipart without boundary, unknown path", "POST", "/nope/", b"a=b",
     {"Cookie": "csrftoken=x", "Content-Type": "multipart/form-data"}),
    ("multipart without boundary", "POST", "/admin/login/", b"a=b",
     {"Cookie": "csrftoken=x", "Content-Type": "multipart/form-data"}),
    ("a forged Host", "GET", "/", b"", {"Host": "evil.example"}),
    ("an RFC 2231 charset Python does not know", "GET", "/", b"", {"Content-Type": "text/plain; charset*=xx''abc"}),
    ("a NUL in the charset", "POST", "/", b"a=b", {"Content-Type": f"{FORM}; charset=utf-8\x00"}),
    ("a body over the upload limit", "POST", "/admin/login/", TOO_BIG,
     {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": FORM}),
    ("too many fields", "POST", "/admin/login/", TOO_MANY_FIELDS,
     {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": FORM}),
    ("a huge page number", "GET", "/search/?q=a&page=" + "9" * 5000, b"", {}),
    ("a huge archive year", "GET", "/archive/" + "9" * 30 + "/1/", b"", {}),
    ("a huge view id", "POST", "/views/" + "9" * 30 + "/", b"", {}),
]  # fmt: skip
TOKEN = f"csrfmiddlewaretoken={CSRF_SECRET}&".encode()
COMMENT_SEEDS = [
    ("comment over the upload limit", TOKEN + TOO_BIG),
    ("comment with too many fields", TOKEN + b"text=%D8%B1%D8%A3%D9%8A&" + TOO_MANY_FIELDS),
    ("reply to a malformed parent", TOKEN + form_body({"name": "هدى", "text": "رأي", "parent": "abc"})),
    (
        "a 2 MB comment",
        TOKEN + form_body({"name": "هدى", "email": "huda@example.com", "text": "x" * 2_000_000}),
    ),
    ("a 2 MB name", TOKEN + form_body({"name": "x" * 2_000_000})),
    ("UTF-16 comment", "csrfmiddlewaretoken=x&text=رأي".encode("utf-16")),
]


@pytest.mark.parametrize(
    ("what", "method", "path", "body", "headers"), SEED_CORPUS, ids=[s[0] for s in SEED_CORPUS]
)
def test_seed_corpus_gets_no_5xx(send, site, what, method, path, body, headers):
    assert send("seed corpus", method, path, body, headers).status_code < 500


@pytest.mark.parametrize(("what", "body"), COMMENT_SEEDS, ids=[seed[0] for seed in COMMENT_SEEDS])
def test_comment_seed_corpus_gets_no_5xx(send, site, what, body):
    article, _staff, _values = site
    charset = "; charset=utf-16" if what.startswith("UTF-16") else ""
    headers = {"Cookie": f"csrftoken={CSRF_SECRET}", "Content-Type": FORM + charset}
    response = send("seed corpus", "POST", f"/news/{escaped(article.slug)}/comment/", body, headers)
    assert response.status_code < 500
    assert len(response.content) < 500_000


@example(path="/%00")
@given(path=st.lists(awkward, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)))
def test_no_made_up_path_answers_5xx(send, site, path):
    assert send("made-up paths", "GET", path).status_code < 500
