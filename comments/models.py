"""Readers' comments on articles, and what moderators decide about them."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom.arabic import without_article
from newsroom.models import SingletonModel


def ip_hash(ip: str) -> str:
    """A stable, salted hash of an IP address: raw addresses are never stored."""
    salt = hashlib.sha256(f"midad-ip:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(salt, ip.encode(), hashlib.sha256).hexdigest()[:16]


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

    def reported(self):
        return self.approved().filter(reports__isnull=False).distinct()

    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def with_moderation_info(self):
        """What the moderation console shows of each comment, in a fixed number of queries:
        the article and its titles, the latest decision, how many reports and links, and
        whether the commenter had a comment approved before this one."""
        from django.db.models.functions import Coalesce

        from comments.moderation import LINK  # the policy's own definition of a link

        reports = (
            CommentReport.objects.filter(comment=models.OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        earlier_approved = Comment.objects.approved().filter(
            email__iexact=models.OuterRef("email"), created_at__lt=models.OuterRef("created_at")
        )
        links_in_text = models.Func(
            "text", models.Value(LINK.pattern), models.Value(1), models.Value("i"),
            function="regexp_count", output_field=models.IntegerField(),
        )  # fmt: skip
        website_link = models.Case(models.When(website="", then=0), default=1)
        newest_first = ModerationDecision.objects.select_related("moderator").order_by("-created_at", "-pk")
        latest_decision = models.Prefetch("decisions", queryset=newest_first[:1], to_attr="latest_decisions")
        return (
            self.select_related("article", "parent")
            .prefetch_related("article__translations", latest_decision)
            .annotate(
                report_count=Coalesce(models.Subquery(reports), 0),
                known_commenter=models.Exists(earlier_approved),
                link_count=links_in_text + website_link,
            )
        )

    def likely_fine_first(self):
        """After with_moderation_info(): comments no rule flagged first, then those of known
        commenters, then those with fewer links, then the oldest."""
        flagged = models.Case(models.When(held_reason="", then=0), default=1)
        return self.annotate(flagged=flagged).order_by(
            "flagged", models.F("known_commenter").desc(), "link_count", "created_at", "pk"
        )


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
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx")
        ]

    def __str__(self):
        return f"{self.name}: {self.text[:40]}"

    @property
    def initials(self) -> str:
        """What the avatar shows: from the name, never from the email."""
        words = [without_article(word) for word in self.name.split()]
        return "".join(word[0] for word in words[:2] if word).upper() or "؟"

    @property
    def avatar_colour(self) -> int:
        """One of 12 colours (comments.css), chosen by the name so it stays the same."""
        return int(hashlib.sha256(self.name.encode()).hexdigest()[:4], 16) % 12


class CommentReport(models.Model):
    """A reader's flag on a published comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
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
