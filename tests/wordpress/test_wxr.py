"""Reading export files: WXR 1.1 and 1.2, and refusing what is unsafe or not an export."""

import pytest

from wordpress import wxr
from wordpress.wxr_writer import WXR, Comment

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""


def small_export(version: str = "1.2") -> str:
    site = WXR(version=version)
    site.author("khaled", "خالد", email="khaled@old.example.com")
    site.category("اقتصاد", "اقتصاد")
    site.category("أسواق", "أسواق", parent="اقتصاد")
    site.tag("موانئ", "موانئ")
    site.post(
        7,
        "عنوان",
        "نص\n\nفقرة",
        slug="ميناء-جدة",
        excerpt="مقدمة",
        categories=["أسواق"],
        tags=["موانئ"],
        sticky=True,
        thumbnail_id=9,
        comments=[Comment(3, "تعليق", parent=0)],
    )
    return site.xml()


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_both_wxr_versions_are_read_with_their_namespaces(version):
    export = wxr.parse(small_export(version).encode())

    assert export.version == version
    assert [author.display_name for author in export.authors] == ["خالد"]
    post = export.items_of("post")[0]
    assert (post.title, post.excerpt, post.creator) == ("عنوان", "مقدمة", "khaled")
    assert post.content == "نص\n\nفقرة"
    assert post.is_sticky
    assert post.meta["_thumbnail_id"] == "9"
    assert post.comments[0].content == "تعليق"


def test_percent_encoded_slugs_are_decoded():
    export = wxr.parse(small_export().encode())

    assert [(term.slug, term.parent_slug) for term in export.categories] == [
        ("اقتصاد", ""),
        ("أسواق", "اقتصاد"),
    ]
    post = export.items_of("post")[0]
    assert post.slug == "ميناء-جدة"
    assert {(term.taxonomy, term.slug) for term in post.terms} == {
        ("category", "أسواق"),
        ("post_tag", "موانئ"),
    }


@pytest.mark.parametrize("document", [BOMB, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_a_document_type_declaration_is_refused_before_parsing(document):
    with pytest.raises(wxr.WXRError, match="document type"):
        wxr.parse(document.encode())


def test_a_declaration_hidden_after_a_long_comment_is_still_found():
    document = BOMB.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!--' + "x" * 200_000 + "-->")

    with pytest.raises(wxr.WXRError, match="document type"):
        wxr.parse(document.encode())


def test_doctype_written_inside_an_article_is_only_text():
    export = wxr.parse(small_export().replace("نص\n\nفقرة", "<!DOCTYPE html> و <!ENTITY x>").encode())

    assert export.items_of("post")[0].content == "<!DOCTYPE html> و <!ENTITY x>"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<rss><channel><title>unclosed</channel></rss>", "not well-formed"),
        ("", "not well-formed"),
        ("<html><body>hello</body></html>", "not a WordPress export"),
        ("<rss><channel><title>feed</title></channel></rss>", "wxr_version> is missing"),
    ],
    ids=["malformed", "empty", "not-rss", "plain-rss"],
)
def test_what_is_not_a_wordpress_export_gets_a_clear_error(document, message):
    with pytest.raises(wxr.WXRError, match=message):
        wxr.parse(document.encode())


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_an_unknown_version_is_refused(version):
    document = small_export("1.2").replace("<wp:wxr_version>1.2<", f"<wp:wxr_version>{version}<")

    with pytest.raises(wxr.WXRError, match=f"Unsupported WXR version '{version}'"):
        wxr.parse(document.encode())
