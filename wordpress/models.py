"""What an import from WordPress remembers: which Midad object each WordPress item became,
and the old URLs that must keep answering."""

import re
from urllib.parse import unquote

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article

QUERY_KEYS = ("p", "page_id")  # WordPress's query-string addresses: /?p=123, /?page_id=45


def normalize_path(path: str) -> str:
    """How an old address is stored and looked up: percent-decoded, without a trailing slash."""
    path = unquote(path or "").strip()
    return "/" + re.sub(r"/{2,}", "/", path).strip("/")


def query_path(key: str, value: str) -> str:
    """The stored form of a query-string address ("/?p=123")."""
    return f"/?{key}={value}"


class WordPressItem(models.Model):
    """One WordPress item and the Midad object it became, so that a second import finds it.

    `object_id` is the primary key of: a User (author), a Section (category), a Tag (tag),
    an Article (post), a MediaImage (attachment, or an uploaded file an article used) or a
    Comment (comment). `parent` keeps the category hierarchy, which Midad's flat sections
    do not have. `checksum` is a digest of the WordPress data last imported: unchanged data
    is not written again, so edits made in Midad since then are kept.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("كاتب")
        CATEGORY = "category", _("تصنيف")
        TAG = "tag", _("وسم")
        POST = "post", _("مقال")
        ATTACHMENT = "attachment", _("صورة")
        COMMENT = "comment", _("تعليق")

    kind = models.CharField(_("النوع"), max_length=12, choices=Kind.choices)
    wp_id = models.CharField(_("المعرّف في ووردبريس"), max_length=255)
    object_id = models.PositiveBigIntegerField(_("المعرّف في مداد"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("الأصل"),
    )
    checksum = models.CharField(max_length=64, blank=True, editable=False)
    complete = models.BooleanField(
        _("اكتمل"),
        default=True,
        help_text=_("لا: بقيت مشكلة (صورة مفقودة مثلاً)، فيُعاد استيراده في المرة القادمة."),
    )
    imported_at = models.DateTimeField(_("استُورد في"), auto_now=True)

    class Meta:
        verbose_name = _("عنصر مستورد من ووردبريس")
        verbose_name_plural = _("العناصر المستوردة من ووردبريس")
        constraints = [models.UniqueConstraint(fields=["kind", "wp_id"], name="wordpress_item_unique")]
        indexes = [models.Index(fields=["kind", "object_id"], name="wordpress_item_object_idx")]

    def __str__(self):
        return f"{self.kind} {self.wp_id} → {self.object_id}"


class LegacyRedirect(models.Model):
    """An old WordPress address of an article, answered with a permanent redirect.

    `old_path` is stored percent-decoded ("/2024/05/12/خبر/"), and "/?p=123" for the
    query-string form; see wordpress/middleware.py.
    """

    old_path = models.CharField(_("الرابط القديم"), max_length=1000, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="legacy_redirects", verbose_name=_("المقال")
    )

    class Meta:
        verbose_name = _("رابط قديم")
        verbose_name_plural = _("الروابط القديمة")

    def __str__(self):
        return f"{self.old_path} → {self.article}"
