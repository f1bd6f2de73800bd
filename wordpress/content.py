"""WordPress post bodies → Midad article bodies.

WordPress stores either block-editor markup (HTML between <!-- wp:… --> comments) or
"classic" text whose paragraphs are blank lines, rendered by `wpautop()` and shortcodes
when a page is shown. Midad stores the finished HTML, so the conversion does that work
once: block comments are dropped, classic text gets its paragraphs, [caption] becomes a
<figure>, embeds become plain links (Midad loads nothing from other sites), other
shortcodes leave only their inner text. Every body then goes through `sanitize_body()`,
the one allow-list of the article body.

Block results (figures, links) are kept out of `wpautop()`'s way as placeholder
characters that cannot occur in an XML document, and put back afterwards.
"""

import html
import re
from collections.abc import Callable

from django.utils.html import strip_tags

from articles.richtext import sanitize_body

# `image_url(url, context)` gives the Midad address of an uploaded file ("img": an <img src>,
# "link": an <a href> to a picture), or None to keep the URL as it is.
ImageMapper = Callable[[str, str], str | None]
# `gallery(ids)` gives (url, alt, caption) for the attachments of a [gallery], ids None = all of the post's.
GalleryLookup = Callable[[list[str] | None], list[tuple[str, str, str]]]

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
MORE_COMMENT = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    r"area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|"
    r"header|footer|nav|figure|figcaption|details|menu|summary)"
)
SHORTCODE_NAME = r"[A-Za-z][A-Za-z0-9_-]*"
SHORTCODE_ATTRS = r"[^\[\]]*"
ENCLOSING_SHORTCODE = re.compile(
    rf"\[({SHORTCODE_NAME})(?![A-Za-z0-9_-])({SHORTCODE_ATTRS})\](.*?)\[/\1\]", re.S
)
LONE_SHORTCODE = re.compile(rf"\[(/?)({SHORTCODE_NAME})(?![A-Za-z0-9_-])({SHORTCODE_ATTRS})\]")
# Shortcodes removed even without attributes; any other [word] is left alone, since brackets
# are ordinary punctuation in news text ("[تحديث]", "[sic]").
KNOWN_SHORTCODES = {
    "caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist", "youtube", "vimeo",
    "tweet", "twitter", "instagram", "soundcloud", "dailymotion", "googlemaps", "contact-form",
    "contact-form-7", "gravityform", "wpforms", "ninja_form", "ad", "adsense", "ads", "more",
    "nextpage", "toc", "button", "column", "columns", "row", "one_half", "one_third", "two_thirds",
    "vc_row", "vc_column", "vc_column_text", "et_pb_section", "et_pb_row", "et_pb_column", "et_pb_text",
}  # fmt: skip
EMBED_SHORTCODES = {
    "embed",
    "video",
    "audio",
    "youtube",
    "vimeo",
    "tweet",
    "twitter",
    "instagram",
    "soundcloud",
}
SHORTCODE_ATTR = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'\"]+)(?:\s|$)"
    r"|\"([^\"]*)\"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"
)
URL = r"https?://[^\s<>\"'\[\]]+"
BARE_URL_LINE = re.compile(rf"^[ \t]*(?:<p>[ \t]*)?({URL})[ \t]*(?:</p>)?[ \t]*$", re.M)
EMBED_FIGURE = re.compile(r"<figure\b[^>]*\bwp-block-embed\b[^>]*>(.*?)</figure>", re.S | re.I)
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S | re.I)
IFRAME = re.compile(r"<iframe\b([^>]*)>(?:.*?</iframe>)?", re.S | re.I)
YOUTUBE_EMBED = re.compile(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", re.I)
CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
A_TAG = re.compile(r"<a\b[^>]*>", re.I)
PRE_BLOCK = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.S | re.I)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
PLACEHOLDER = re.compile(r"\x02(\d+)\x03")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp")


def to_body(raw: str, *, image_url: ImageMapper | None = None, gallery: GalleryLookup | None = None) -> str:
    """The sanitised Midad body of a WordPress post's content."""
    blocks: list[str] = []

    def keep(fragment: str) -> str:
        """Set a finished block aside; its placeholder stands alone as a paragraph."""
        blocks.append(fragment)
        return f"\n\n\x02{len(blocks) - 1}\x03\n\n"

    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    has_blocks = bool(BLOCK_COMMENT.search(text))
    if has_blocks:
        text = BLOCK_COMMENT.sub("", text)
        text = re.sub(r">\s*\n\s*<", ">\n<", text)  # the blank lines the comments leave
    text = MORE_COMMENT.sub("", text)
    text = SCRIPT_OR_STYLE.sub("", text)  # the sanitiser would drop them too; gone before paragraphs are made
    text = EMBED_FIGURE.sub(lambda match: _embed_figure(match, keep), text)
    text = IFRAME.sub(lambda match: _iframe(match, keep), text)
    text = expand_shortcodes(text, keep=keep, gallery=gallery)
    text = BARE_URL_LINE.sub(lambda match: keep(link_paragraph(match.group(1))), text)
    if not has_blocks:
        text = wpautop(text)
    text = _restore(text, blocks)
    text = _fit_headings(text)
    text = PRE_BLOCK.sub(
        lambda match: "<p>" + match.group(1).strip("\n").replace("\n", "<br>") + "</p>", text
    )
    text = re.sub(r">\s*\n\s*<", ">\n<", text).strip()
    if image_url is not None:
        text = rewrite_images(text, image_url)
    return sanitize_body(text)


def plain_text(value: str) -> str:
    """Text of a little HTML (an excerpt, a comment, a title): line breaks kept, tags and entities gone."""
    value = (value or "").replace("\r\n", "\n")
    value = re.sub(r"<br\s*/?>", "\n", value, flags=re.I)
    value = re.sub(r"\s*</?p\b[^>]*>\s*", "\n\n", value, flags=re.I)
    value = html.unescape(strip_tags(value))
    value = re.sub(r"[ \t]+\n", "\n", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def link_paragraph(url: str, text: str | None = None) -> str:
    url = html.unescape(url).strip()
    return f'<p><a href="{html.escape(url)}">{html.escape(text or url)}</a></p>'


def _restore(text: str, blocks: list[str]) -> str:
    text = re.sub(r"<p>\s*(\x02\d+\x03)\s*</p>", r"\1", text)
    text = re.sub(r"(\x02\d+\x03)\s*<br\s*/?>", r"\1", text)
    for _ in range(5):  # a block may hold another's placeholder (a figure in a gallery)
        if not PLACEHOLDER.search(text):
            break
        text = PLACEHOLDER.sub(lambda match: blocks[int(match.group(1))], text)
    return text


def _embed_figure(match: re.Match, keep) -> str:
    inner = match.group(1)
    caption = FIGCAPTION.search(inner)
    urls = re.findall(URL, strip_tags(FIGCAPTION.sub("", inner)))
    if not urls:
        return match.group(0)
    fragment = link_paragraph(urls[0])
    if caption and strip_tags(caption.group(1)).strip():
        fragment += f"\n<p>{caption.group(1).strip()}</p>"
    return keep(fragment)


def _iframe(match: re.Match, keep) -> str:
    source = re.search(r"""\bsrc\s*=\s*["']([^"']+)["']""", match.group(1), re.I)
    if not source:
        return ""
    url = html.unescape(source.group(1))
    if youtube := YOUTUBE_EMBED.match(url):
        url = f"https://www.youtube.com/watch?v={youtube.group(1)}"
    elif url.startswith("//"):
        url = "https:" + url
    if not re.match(r"https?://", url):
        return ""
    return keep(link_paragraph(url))


# --- Shortcodes --------------------------------------------------------------------------
def shortcode_attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """Named and positional attributes, as WordPress's shortcode_parse_atts() reads them."""
    named: dict[str, str] = {}
    positional: list[str] = []
    text = re.sub(r"[\u00a0\u200b]", " ", text or "").strip()
    for match in SHORTCODE_ATTR.finditer(text):
        if match.group(1):
            named[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            named[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            named[match.group(5).lower()] = match.group(6)
        else:
            value = next(group for group in match.groups()[6:] if group is not None)
            positional.append(value.lstrip("=").strip())
    return named, positional


def expand_shortcodes(text: str, *, keep, gallery: GalleryLookup | None = None) -> str:
    def enclosing(match: re.Match) -> str:
        return _shortcode(match.group(1).lower(), match.group(2), match.group(3), keep, gallery)

    def lone(match: re.Match) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            return "" if name in KNOWN_SHORTCODES else match.group(0)
        if name not in KNOWN_SHORTCODES and not attrs.strip().strip("/"):
            return match.group(0)  # "[word]" in prose
        return _shortcode(name, attrs.rstrip("/"), "", keep, gallery)

    for _ in range(10):  # innermost first; nested shortcodes come out one level per pass
        expanded = ENCLOSING_SHORTCODE.sub(enclosing, text)
        if expanded == text:
            break
        text = expanded
    return LONE_SHORTCODE.sub(lone, text)


def _shortcode(name: str, attrs: str, inner: str, keep, gallery: GalleryLookup | None) -> str:
    named, positional = shortcode_attributes(attrs)
    if name in ("caption", "wp_caption"):
        return keep(_caption(named, inner))
    if name == "gallery" and gallery is not None:
        ids = [part.strip() for part in named.get("ids", named.get("include", "")).split(",") if part.strip()]
        figures = "".join(_figure(url, alt, caption) for url, alt, caption in gallery(ids or None))
        return keep(figures) if figures else ""
    urls = [
        value for value in (*named.values(), *positional, inner.strip()) if re.fullmatch(URL, value or "")
    ]
    if urls and name in EMBED_SHORTCODES:
        return keep(link_paragraph(urls[0]))
    return inner  # any other shortcode: its inner text stays, the code goes


def _caption(named: dict[str, str], inner: str) -> str:
    parts = CAPTION_IMAGE.match(inner)
    if not parts:
        return inner
    image = IMG_TAG.search(parts.group(1)).group(0)
    caption = parts.group(2).strip() or html.escape(named.get("caption", ""))
    return (
        f"<figure>{image}<figcaption>{caption}</figcaption></figure>"
        if caption
        else f"<figure>{image}</figure>"
    )


def _figure(url: str, alt: str, caption: str) -> str:
    image = f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">'
    caption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{image}{caption}</figure>"


# --- Paragraphs --------------------------------------------------------------------------
def wpautop(text: str) -> str:
    """Paragraphs from blank lines and <br> from single line breaks, like WordPress's wpautop()."""
    if not text.strip():
        return ""
    kept: list[str] = []

    def protect(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"<pre wp-pre-tag-{len(kept) - 1}></pre>"

    text = PRE_BLOCK.sub(protect, text) + "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{ALLBLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{ALLBLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"<hr\s*?/?>", "<hr />\n\n", text, flags=re.I)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text, flags=re.I)
    text = re.sub(rf"<p>\s*(</?{ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = re.sub(r"</blockquote></p>", "</p></blockquote>", text, flags=re.I)
    text = re.sub(rf"<p>\s*(</?{ALLBLOCKS}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    # Single line breaks inside paragraphs (not inside tags) become <br>.
    text = re.sub(r"<[^>]*>", lambda match: match.group(0).replace("\n", " "), text)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{ALLBLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"\n</p>$", "</p>", text)
    return re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda match: kept[int(match.group(1))], text)


def _fit_headings(text: str) -> str:
    """Midad bodies have headings 2 to 4: h1 becomes h2, h5 and h6 become h4 (not plain text)."""
    levels = {"1": "2", "5": "4", "6": "4"}

    def level(match: re.Match) -> str:
        return f"<{match.group(1)}h{levels.get(match.group(2), match.group(2))}"

    return re.sub(r"<(/?)h([1-6])\b", level, text, flags=re.I)


# --- Images ------------------------------------------------------------------------------
def _attribute(tag: str, name: str) -> re.Match | None:
    return re.search(rf"""\s{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag, re.I)


def _attribute_value(match: re.Match) -> str:
    return html.unescape(next(group for group in match.groups() if group is not None))


def rewrite_images(text: str, image_url: ImageMapper) -> str:
    """Point <img src> (and links to the same pictures) at their Midad copies."""

    def img(match: re.Match) -> str:
        tag = match.group(0)
        source = _attribute(tag, "src")
        if not source:
            return tag
        new = image_url(_attribute_value(source), "img")
        if not new:
            return tag
        tag = tag[: source.start()] + f' src="{html.escape(new)}"' + tag[source.end() :]
        for name in ("srcset", "sizes"):
            if extra := _attribute(tag, name):
                tag = tag[: extra.start()] + tag[extra.end() :]
        return tag

    def link(match: re.Match) -> str:
        tag = match.group(0)
        target = _attribute(tag, "href")
        if not target:
            return tag
        url = _attribute_value(target)
        if not url.lower().split("?")[0].endswith(IMAGE_EXTENSIONS):
            return tag
        new = image_url(url, "link")
        if not new:
            return tag
        return tag[: target.start()] + f' href="{html.escape(new)}"' + tag[target.end() :]

    text = IMG_TAG.sub(img, text)
    return A_TAG.sub(link, text)


def image_sources(text: str) -> list[str]:
    """Every <img src> of a body, in order."""
    sources = []
    for tag in IMG_TAG.findall(text or ""):
        if source := _attribute(tag, "src"):
            sources.append(_attribute_value(source))
    return sources
