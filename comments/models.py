"""Readers' comments on articles, and what moderators decide about them."""

import hashlib
from collections import Counter

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom.arabic import initials
from newsroom.http import keyed_hash
from newsroom.models import SingletonModel


def ip_hash(ip: str) -> str:
    """A stable, salted hash of an IP address: raw addresses are never stored."""
    return keyed_hash("midad-ip", ip)[:16]


class ModerationSettings(SingletonModel):
    """The one row of moderation rules, edited by moderators in the admin."""

    class Mode(models.TextChoices):
        HOLD_ALL = "hold_all", _("احتجاز كل التعليقات للمراجعة")
        TRUST_KNOWN = "trust_known", _("نشر تعليقات من سبق قبول تعليق له تلقائياً")
        HOLD_FLAGGED = "hold_flagged", _("احتجاز ما تعلّمه القواعد فقط")

    mode = models.CharField(_("نمط الإشراف"), max_length=16, choices=Mode.choices, default=Mode.HOLD_ALL)
    max_links = models.PositiveSmallIntegerField(_("أقصى عدد من الروابط"), default=2)
    hold_words = models.TextField(
        _("كلمات تستدعي المراجعة"),
        blank=True,
        help_text=_("كلمة أو عبارة في كل سطر؛ يُحتجز التعليق الذي يحتويها."),
    )
    banned_words = models.TextField(
        _("كلمات محظورة"), blank=True, help_text=_("كلمة أو عبارة في كل سطر؛ يُرفض التعليق الذي يحتويها.")
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("إغلاق التعليقات بعد (أيام)"), default=30, help_text=_("0 يعني عدم الإغلاق التلقائي.")
    )
    notify_emails = models.TextField(
        _("إشعار المشرفين بالبريد"), blank=True, help_text=_("عنوان في كل سطر؛ يصله إشعار بكل تعليق محتجز.")
    )

    cache_key = "comments:moderation-settings"

    class Meta:
        verbose_name = _("إعدادات الإشراف")
        verbose_name_plural = _("إعدادات الإشراف")

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def hold_word_list(self) -> list[str]:
        return self._lines(self.hold_words)

    @property
    def banned_word_list(self) -> list[str]:
        return self._lines(self.banned_words)

    @property
    def notify_list(self) -> list[str]:
        return self._lines(self.notify_emails)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """The only definition of what readers may see of comments."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def threads_of(self, article):
        """What readers see under `article`: its approved comments, each with its approved replies."""
        replies = models.Prefetch(
            "replies", queryset=self.model.objects.approved().select_related("staff_author")
        )
        return (
            self.approved()
            .filter(article=article, parent__isnull=True)
            .select_related("staff_author")
            .prefetch_related(replies)
        )

    def reported(self):
        return self.approved().filter(reports__isnull=False).distinct()

    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("بانتظار المراجعة")
        APPROVED = "approved", _("منشور")
        REJECTED = "rejected", _("مرفوض")
        SPAM = "spam", _("مزعج")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("المقال")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("رداً على"),
    )
    name = models.CharField(_("الاسم"), max_length=80)
    email = models.EmailField(_("البريد الإلكتروني"), max_length=254)
    website = models.URLField(_("الموقع"), max_length=200, blank=True)
    text = models.TextField(_("التعليق"), max_length=3000)
    status = models.CharField(
        _("الحالة"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    held_reason = models.CharField(_("سبب الاحتجاز"), max_length=200, blank=True)
    # Held by a rule that saw something in this comment (not merely by the moderators' mode).
    flagged = models.BooleanField(_("علّمته قاعدة"), default=False)
    is_featured = models.BooleanField(_("اختيار المحرر"), default=False)
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("رد من فريق التحرير"),
    )  # fmt: skip
    ip_hash = models.CharField(_("بصمة عنوان IP"), max_length=16, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("التاريخ"), auto_now_add=True, db_index=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("تعليق")
        verbose_name_plural = _("التعليقات")
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", _("يستطيع الإشراف على التعليقات"))]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx"),
            # A commenter's earlier comments (email__iexact): whether they are known, their page.
            models.Index(Upper("email"), "created_at", name="comment_email_idx"),
        ]

    def __str__(self):
        return f"{self.name}: {self.text[:40]}"

    @property
    def initials(self) -> str:
        """What the avatar shows: from the name, never from the email."""
        return initials(self.name)

    def report_reasons(self) -> list[tuple[str, int]]:
        """Each reason readers gave in their reports, with how many gave it."""
        counts = Counter(report.reason for report in self.reports.all())
        return [(label, counts[reason]) for reason, label in CommentReport.Reason.choices if counts[reason]]

    def report_notes(self) -> list[str]:
        return [report.note for report in self.reports.all() if report.note]

    @property
    def avatar_colour(self) -> int:
        """One of 12 colours (comments.css), chosen by the name so it stays the same."""
        return int(hashlib.sha256(self.name.encode()).hexdigest()[:4], 16) % 12


class CommentReport(models.Model):
    """A reader's flag on a published comment, with the reader's reason."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("رسالة مزعجة")
        ABUSE = "abuse", _("إساءة")
        OFF_TOPIC = "off_topic", _("خارج الموضوع")
        OTHER = "other", _("سبب آخر")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("سبب البلاغ"), max_length=10, choices=Reason.choices, default=Reason.OTHER)
    note = models.CharField(_("تفاصيل البلاغ"), max_length=300, blank=True)
    ip_hash = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("comment", "ip_hash")]

    def __str__(self):
        return f"{self.comment_id} ← {self.ip_hash}"


class ModerationDecision(models.Model):
    """Who moved a comment from which state to which, and when."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    featured = models.BooleanField(null=True)  # set when the decision (un)featured the comment
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.comment_id}: {self.from_status} → {self.to_status}"


class BlockedCommenter(models.Model):
    """A commenter whose comments are always held, or refused, by email or IP hash."""

    class Kind(models.TextChoices):
        ALWAYS_HOLD = "hold", _("احتجاز دائم")
        BANNED = "ban", _("محظور")

    email = models.EmailField(_("البريد الإلكتروني"), blank=True, db_index=True)
    ip_hash = models.CharField(_("بصمة عنوان IP"), max_length=16, blank=True, db_index=True)
    kind = models.CharField(_("الإجراء"), max_length=4, choices=Kind.choices)
    note = models.CharField(_("ملاحظة"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("معلّق مقيَّد")
        verbose_name_plural = _("المعلّقون المقيَّدون")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email or self.ip_hash}"


class RateLimitCounter(models.Model):
    """Attempts counted for one key of comments/ratelimit.py when the cache cannot count."""

    key = models.CharField(max_length=100, primary_key=True)
    attempts = models.PositiveIntegerField()
    window_ends = models.DateTimeField(db_index=True)  # pruning finds the expired rows by it

    def __str__(self):
        return f"{self.key}: {self.attempts}"


def refresh_comment_count(article_id: int) -> None:
    """Keep the article's public comment count (shown on cards) in step."""
    count = Comment.objects.approved().filter(article_id=article_id).count()
    Article.objects.filter(pk=article_id).update(comment_count=count)
