"""Reading a WordPress export (WXR 1.1 or 1.2) into plain Python objects.

Nothing here touches the database: the whole file is checked and read first, so that a
file that cannot be imported is refused before anything is written.

Parsing is done with the standard library's ElementTree (expat), made safe by refusing
any document type declaration: internal entities ("billion laughs") and external entities
can only be declared in one, and a document type declaration can only stand in the prolog,
before the root element. `check_prolog()` reads the prolog with expat itself and stops at
the root element, so a declaration is found wherever the prolog puts it (after a long
comment, for instance), while "<!DOCTYPE" written inside an article's text (CDATA) is not
mistaken for one.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.parsers import expat

SUPPORTED_VERSIONS = ("1.1", "1.2")
WP_NAMESPACE = "http://wordpress.org/export/{version}/"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
PROLOG_CHUNK = 64 * 1024


class WXRError(Exception):
    """The file is not a WordPress export this importer can read; nothing was imported."""


@dataclass
class Author:
    login: str
    wp_id: str = ""
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category or a tag. `slug` is percent-decoded (WordPress exports encode it)."""

    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    wp_id: str = ""
    parent_slug: str = ""
    description: str = ""


@dataclass
class ItemTerm:
    taxonomy: str  # the <category domain="…"> of an item: "category", "post_tag", …
    slug: str
    name: str


@dataclass
class Comment:
    wp_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent_id: str = "0"
    user_id: str = "0"


@dataclass
class Item:
    """A post, page, attachment or any other WordPress post type."""

    wp_id: str
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    comment_status: str = ""
    slug: str = ""
    status: str = ""
    parent_id: str = "0"
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return (
            f"{self.post_type} {self.wp_id} «{self.title[:60]}»"
            if self.title
            else f"{self.post_type} {self.wp_id}"
        )


@dataclass
class Export:
    version: str
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    language: str = ""
    authors: list[Author] = field(default_factory=list)
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def items_of(self, post_type: str) -> list[Item]:
        return [item for item in self.items if item.post_type == post_type]


class _PrologDone(Exception):
    """Raised by the prolog check when the root element starts: the prolog was safe."""


class _Forbidden(Exception):
    pass


def check_prolog(data: bytes) -> None:
    """Refuse a document type declaration (and so any entity declaration) before parsing."""

    def forbid(*args):
        raise _Forbidden

    def root_reached(*args):
        raise _PrologDone

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = root_reached
    try:
        for start in range(0, len(data), PROLOG_CHUNK):
            parser.Parse(data[start : start + PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _PrologDone:
        return
    except _Forbidden:
        raise WXRError(
            "The file declares a document type (<!DOCTYPE> or <!ENTITY>), which WordPress exports "
            "never do; refusing it (entity expansion and external entities are not allowed)."
        ) from None
    except expat.ExpatError as error:
        reason = expat.errors.messages.get(error.code, str(error))
        raise WXRError(
            f"The file is not well-formed XML: {reason} (line {error.lineno}, column {error.offset})."
        ) from None
    raise WXRError("The file has no XML root element.")


def _text(element: ET.Element | None, tag: str, default: str = "") -> str:
    if element is None:
        return default
    child = element.find(tag)
    return (child.text or "").strip() if child is not None and child.text is not None else default


def _raw(element: ET.Element, tag: str) -> str:
    """Text without stripping: article bodies keep their line breaks (they make paragraphs)."""
    child = element.find(tag)
    return (child.text or "") if child is not None else ""


def _decoded_slug(slug: str) -> str:
    return unquote(slug.strip())


def _version(channel: ET.Element) -> tuple[str, str]:
    """The WXR version and the namespace of its wp: elements, or WXRError."""
    for child in channel:
        if not child.tag.endswith("}wxr_version"):
            continue
        version = (child.text or "").strip()
        namespace = child.tag[1:].split("}")[0]
        if version not in SUPPORTED_VERSIONS:
            break
        if namespace != WP_NAMESPACE.format(version=version):
            raise WXRError(f"WXR version {version} with an unexpected namespace {namespace!r}.")
        return version, namespace
    else:
        raise WXRError("This is not a WordPress export: <wp:wxr_version> is missing.")
    raise WXRError(
        f"Unsupported WXR version {version!r}; supported versions are {', '.join(SUPPORTED_VERSIONS)} "
        "(export again from a recent WordPress: Tools → Export)."
    )


def parse(source: bytes | str | Path) -> Export:
    """Read a whole export; raise WXRError if it is unsafe, malformed or not WXR 1.1/1.2."""
    if isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise WXRError(f"Cannot read {source}: {error.strerror or error}.") from None
    else:
        data = source
    check_prolog(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        line, column = error.position
        raise WXRError(
            f"The file is not well-formed XML: {error.msg} (line {line}, column {column})."
        ) from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise WXRError("This is not a WordPress export: expected <rss><channel>…</channel></rss>.")
    version, namespace = _version(channel)
    wp = "{" + namespace + "}"
    excerpt = "{" + namespace + "excerpt/}encoded"
    content = "{" + CONTENT_NAMESPACE + "}encoded"
    creator = "{" + DC_NAMESPACE + "}creator"

    export = Export(
        version=version,
        title=_text(channel, "title"),
        link=_text(channel, "link"),
        base_site_url=_text(channel, f"{wp}base_site_url"),
        base_blog_url=_text(channel, f"{wp}base_blog_url"),
        language=_text(channel, "language"),
    )
    for element in channel.findall(f"{wp}author"):
        export.authors.append(
            Author(
                login=_text(element, f"{wp}author_login"),
                wp_id=_text(element, f"{wp}author_id"),
                email=_text(element, f"{wp}author_email"),
                display_name=_text(element, f"{wp}author_display_name"),
                first_name=_text(element, f"{wp}author_first_name"),
                last_name=_text(element, f"{wp}author_last_name"),
            )
        )
    for element in channel.findall(f"{wp}category"):
        export.categories.append(
            Term(
                taxonomy="category",
                slug=_decoded_slug(_text(element, f"{wp}category_nicename")),
                name=_text(element, f"{wp}cat_name"),
                wp_id=_text(element, f"{wp}term_id"),
                parent_slug=_decoded_slug(_text(element, f"{wp}category_parent")),
                description=_text(element, f"{wp}category_description"),
            )
        )
    for element in channel.findall(f"{wp}tag"):
        export.tags.append(
            Term(
                taxonomy="post_tag",
                slug=_decoded_slug(_text(element, f"{wp}tag_slug")),
                name=_text(element, f"{wp}tag_name"),
                wp_id=_text(element, f"{wp}term_id"),
                description=_text(element, f"{wp}tag_description"),
            )
        )
    for element in channel.findall("item"):
        export.items.append(_item(element, wp, content, excerpt, creator))
    return export


def _item(element: ET.Element, wp: str, content: str, excerpt: str, creator: str) -> Item:
    guid = element.find("guid")
    item = Item(
        wp_id=_text(element, f"{wp}post_id"),
        post_type=_text(element, f"{wp}post_type", "post"),
        title=_text(element, "title"),
        link=_text(element, "link"),
        guid=(guid.text or "").strip() if guid is not None else "",
        creator=_text(element, creator),
        content=_raw(element, content),
        excerpt=_raw(element, excerpt).strip(),
        post_date=_text(element, f"{wp}post_date"),
        post_date_gmt=_text(element, f"{wp}post_date_gmt"),
        comment_status=_text(element, f"{wp}comment_status"),
        slug=_decoded_slug(_text(element, f"{wp}post_name")),
        status=_text(element, f"{wp}status"),
        parent_id=_text(element, f"{wp}post_parent", "0"),
        is_sticky=_text(element, f"{wp}is_sticky") == "1",
        attachment_url=_text(element, f"{wp}attachment_url"),
    )
    for term in element.findall("category"):
        item.terms.append(
            ItemTerm(
                taxonomy=term.get("domain", "category"),
                slug=_decoded_slug(term.get("nicename", "")),
                name=(term.text or "").strip(),
            )
        )
    for meta in element.findall(f"{wp}postmeta"):
        key = _text(meta, f"{wp}meta_key")
        if key:
            item.meta[key] = _text(meta, f"{wp}meta_value")
    for comment in element.findall(f"{wp}comment"):
        item.comments.append(
            Comment(
                wp_id=_text(comment, f"{wp}comment_id"),
                author=_text(comment, f"{wp}comment_author"),
                email=_text(comment, f"{wp}comment_author_email"),
                url=_text(comment, f"{wp}comment_author_url"),
                ip=_text(comment, f"{wp}comment_author_IP"),
                date=_text(comment, f"{wp}comment_date"),
                date_gmt=_text(comment, f"{wp}comment_date_gmt"),
                content=_raw(comment, f"{wp}comment_content").strip(),
                approved=_text(comment, f"{wp}comment_approved"),
                type=_text(comment, f"{wp}comment_type"),
                parent_id=_text(comment, f"{wp}comment_parent", "0") or "0",
                user_id=_text(comment, f"{wp}comment_user_id", "0") or "0",
            )
        )
    return item
