"""Writes WordPress export (WXR) files as WordPress writes them: CDATA text, percent-encoded
Arabic slugs, date-based permalinks and "?p=ID" guids. The tests build their exports with it,
and `manage.py make_wxr` a large one for the importer's benchmark."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

SITE = "https://old.example.com"


def percent_encoded(slug: str) -> str:
    """How WordPress stores a non-ASCII slug: UTF-8 percent-encoding with lower-case hex."""
    return re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), quote(slug, safe="-_"))


def cdata(text: str) -> str:
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def gmt(local: str, hours: int = 3) -> str:
    """The GMT column for a local (Asia/Riyadh, UTC+3) date."""
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S") - timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Comment:
    wp_id: int
    text: str = "تعليق من قارئ."
    author: str = "قارئ"
    email: str = "reader@example.com"
    url: str = ""
    ip: str = "203.0.113.7"
    approved: str = "1"
    parent: int = 0
    date_gmt: str = "2024-05-12 10:00:00"
    type: str = "comment"
    user_id: int = 0

    def xml(self) -> str:
        return f"""
    <wp:comment>
      <wp:comment_id>{self.wp_id}</wp:comment_id>
      <wp:comment_author>{cdata(self.author)}</wp:comment_author>
      <wp:comment_author_email>{cdata(self.email)}</wp:comment_author_email>
      <wp:comment_author_url>{escape(self.url)}</wp:comment_author_url>
      <wp:comment_author_IP>{cdata(self.ip)}</wp:comment_author_IP>
      <wp:comment_date>{cdata(self.date_gmt)}</wp:comment_date>
      <wp:comment_date_gmt>{cdata(self.date_gmt)}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(self.text)}</wp:comment_content>
      <wp:comment_approved>{cdata(self.approved)}</wp:comment_approved>
      <wp:comment_type>{cdata(self.type)}</wp:comment_type>
      <wp:comment_parent>{self.parent}</wp:comment_parent>
      <wp:comment_user_id>{self.user_id}</wp:comment_user_id>
    </wp:comment>"""


@dataclass
class Post:
    wp_id: int
    title: str
    content: str = ""
    slug: str = ""
    status: str = "publish"
    date: str = "2024-05-12 09:30:00"  # local time of the WordPress site
    date_gmt: str | None = None  # None: computed from `date`; "0000-00-00 00:00:00" for drafts
    link: str | None = None  # None: a date-based permalink (or ?p=ID when there is no slug)
    creator: str = "khaled"
    excerpt: str = ""
    categories: list[str] = field(default_factory=list)  # slugs
    tags: list[str] = field(default_factory=list)  # names
    sticky: bool = False
    comment_status: str = "open"
    thumbnail_id: int | None = None
    comments: list[Comment] = field(default_factory=list)
    post_type: str = "post"
    parent: int = 0
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)


class WXR:
    """Collects authors, terms and items, then writes the export file."""

    def __init__(self, version: str = "1.2", site: str = SITE, title: str = "صحيفة الأمس"):
        self.version, self.site, self.title = version, site, title
        self.authors: list[str] = []
        self.categories: list[str] = []
        self.tags: list[str] = []
        self.items: list[Post] = []
        self._term_id = 100

    def _next_term_id(self) -> int:
        self._term_id += 1
        return self._term_id

    def author(self, login: str, display_name: str, email: str = "", first_name: str = "", wp_id: int = 0):
        wp_id = wp_id or len(self.authors) + 1
        self.authors.append(f"""
  <wp:author>
    <wp:author_id>{wp_id}</wp:author_id>
    <wp:author_login>{cdata(login)}</wp:author_login>
    <wp:author_email>{cdata(email)}</wp:author_email>
    <wp:author_display_name>{cdata(display_name)}</wp:author_display_name>
    <wp:author_first_name>{cdata(first_name)}</wp:author_first_name>
    <wp:author_last_name>{cdata("")}</wp:author_last_name>
  </wp:author>""")
        return self

    def category(self, slug: str, name: str, parent: str = ""):
        self.categories.append(f"""
  <wp:category>
    <wp:term_id>{self._next_term_id()}</wp:term_id>
    <wp:category_nicename>{cdata(percent_encoded(slug))}</wp:category_nicename>
    <wp:category_parent>{cdata(percent_encoded(parent))}</wp:category_parent>
    <wp:cat_name>{cdata(name)}</wp:cat_name>
  </wp:category>""")
        return self

    def tag(self, slug: str, name: str):
        self.tags.append(f"""
  <wp:tag>
    <wp:term_id>{self._next_term_id()}</wp:term_id>
    <wp:tag_slug>{cdata(percent_encoded(slug))}</wp:tag_slug>
    <wp:tag_name>{cdata(name)}</wp:tag_name>
  </wp:tag>""")
        return self

    def post(self, wp_id: int, title: str, content: str = "", **fields) -> Post:
        post = Post(wp_id, title, content, **fields)
        self.items.append(post)
        return post

    def attachment(
        self, wp_id: int, path: str, *, parent: int = 0, title: str = "صورة", alt: str = "", caption: str = ""
    ):
        """A media-library item; `path` is relative to wp-content/uploads/."""
        meta = {"_wp_attached_file": path}
        if alt:
            meta["_wp_attachment_image_alt"] = alt
        return self.post(
            wp_id,
            title,
            post_type="attachment",
            status="inherit",
            parent=parent,
            attachment_url=self.upload_url(path),
            excerpt=caption,
            meta=meta,
            link=f"{self.site}/?attachment_id={wp_id}",
        )

    def find(self, wp_id: int, post_type: str = "post") -> Post:
        return next(item for item in self.items if item.wp_id == wp_id and item.post_type == post_type)

    def upload_url(self, path: str) -> str:
        return f"{self.site}/wp-content/uploads/{quote(path)}"

    def permalink(self, post: Post) -> str:
        if post.link is not None:
            return post.link
        if not post.slug or post.status not in ("publish", "future", "private") or post.date[4:5] != "-":
            return f"{self.site}/?p={post.wp_id}"
        year, month, day = post.date[:10].split("-")
        return f"{self.site}/{year}/{month}/{day}/{percent_encoded(post.slug)}/"

    def _item(self, post: Post) -> str:
        date_gmt = post.date_gmt if post.date_gmt is not None else gmt(post.date)
        terms = "".join(
            f'\n    <category domain="category" nicename="{percent_encoded(slug)}">{cdata(slug)}</category>'
            for slug in post.categories
        ) + "".join(
            f'\n    <category domain="post_tag" nicename="{percent_encoded(name.replace(" ", "-"))}">{cdata(name)}</category>'
            for name in post.tags
        )
        meta = dict(post.meta)
        if post.thumbnail_id:
            meta["_thumbnail_id"] = str(post.thumbnail_id)
        metas = "".join(
            f"""
    <wp:postmeta>
      <wp:meta_key>{cdata(key)}</wp:meta_key>
      <wp:meta_value>{cdata(value)}</wp:meta_value>
    </wp:postmeta>"""
            for key, value in meta.items()
        )
        attachment = (
            f"\n    <wp:attachment_url>{cdata(post.attachment_url)}</wp:attachment_url>"
            if post.attachment_url
            else ""
        )
        return f"""
  <item>
    <title>{cdata(post.title)}</title>
    <link>{escape(self.permalink(post))}</link>
    <pubDate>Sun, 12 May 2024 06:30:00 +0000</pubDate>
    <dc:creator>{cdata(post.creator)}</dc:creator>
    <guid isPermaLink="false">{escape(self.site)}/?p={post.wp_id}</guid>
    <description></description>
    <content:encoded>{cdata(post.content)}</content:encoded>
    <excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>
    <wp:post_id>{post.wp_id}</wp:post_id>
    <wp:post_date>{cdata(post.date)}</wp:post_date>
    <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
    <wp:comment_status>{cdata(post.comment_status)}</wp:comment_status>
    <wp:ping_status>{cdata("open")}</wp:ping_status>
    <wp:post_name>{cdata(percent_encoded(post.slug))}</wp:post_name>
    <wp:status>{cdata(post.status)}</wp:status>
    <wp:post_parent>{post.parent}</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{cdata(post.post_type)}</wp:post_type>
    <wp:post_password>{cdata("")}</wp:post_password>
    <wp:is_sticky>{int(post.sticky)}</wp:is_sticky>{attachment}{terms}{metas}{"".join(c.xml() for c in post.comments)}
  </item>"""

    def xml(self) -> str:
        namespace = f"http://wordpress.org/export/{self.version}/"
        return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
  xmlns:excerpt="{namespace}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{namespace}"
>
<channel>
  <title>{escape(self.title)}</title>
  <link>{escape(self.site)}</link>
  <description>أخبار</description>
  <pubDate>Mon, 13 May 2024 08:00:00 +0000</pubDate>
  <language>ar</language>
  <wp:wxr_version>{self.version}</wp:wxr_version>
  <wp:base_site_url>{escape(self.site)}</wp:base_site_url>
  <wp:base_blog_url>{escape(self.site)}</wp:base_blog_url>
{"".join(self.authors)}{"".join(self.categories)}{"".join(self.tags)}{"".join(self._item(item) for item in self.items)}
</channel>
</rss>
"""

    def write(self, path: Path) -> Path:
        path.write_text(self.xml(), encoding="utf-8")
        return path
