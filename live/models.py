"""Live coverage: an article told as it happens, in short timestamped entries.

An editor opens a coverage on an article; journalists and editors post entries to it while it
is live; an editor pins one entry, marks key events, deletes, and ends the coverage. Every
edit and deletion keeps what the entry said before, who changed it and when; an entry edited
after publication shows readers its correction note.
"""

from functools import cached_property

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles.models import Article, MediaImage
from articles.richtext import sanitize_body

# What the composer offers: a subset of the article body's features, so the article's
# sanitiser (sanitize_body) keeps all of it.
ENTRY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
}
SUMMARY_WORDS = 14
MANAGE_PERMISSION = "live.manage_coverage"
POST_PERMISSION = "live.add_liveentry"


def can_manage(user) -> bool:
    """Editors open and end coverages, pin, edit and delete any entry."""
    return user.has_perm(MANAGE_PERMISSION)


class LiveCoverageQuerySet(models.QuerySet):
    def public(self):
        """Coverages of articles readers may see (Article.objects.published())."""
        return self.filter(article__in=Article.objects.published())

    def for_desk(self):
        return (
            self.select_related("article")
            .prefetch_related("article__translations")
            .order_by("state", "-started_at")
        )


class LiveCoverage(models.Model):
    POLL_SECONDS = 20  # how often an open page asks for new entries

    class State(models.TextChoices):
        LIVE = "live", _("مباشر")
        ENDED = "ended", _("انتهت")

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="live_coverage", verbose_name=_("المقال")
    )
    state = models.CharField(_("الحالة"), max_length=8, choices=State.choices, default=State.LIVE)
    started_at = models.DateTimeField(_("بدأت في"), default=timezone.now)
    ended_at = models.DateTimeField(_("انتهت في"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("فتحها"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("أنهاها"),
    )

    objects = LiveCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("تغطية مباشرة")
        verbose_name_plural = _("التغطيات المباشرة")
        ordering = ["-started_at"]
        permissions = [(
            "manage_coverage", _("يفتح التغطيات المباشرة وينهيها ويثبّت تحديثاتها ويعدّلها ويحذفها")
        )]  # fmt: skip

    def __str__(self):
        return str(self.article)

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url()

    @property
    def cache_tags(self) -> list[str]:
        """What shows the coverage's entries: its page and its poll endpoint (newsroom/expiry.py)."""
        return [f"live:{self.pk}"]

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE

    def get_desk_url(self) -> str:
        return reverse("live:desk", kwargs={"pk": self.pk})

    @classmethod
    def open(cls, article: Article, user) -> "LiveCoverage":
        return cls.objects.create(article=article, opened_by=user)

    def end(self, user) -> None:
        self.state, self.ended_at, self.ended_by = self.State.ENDED, timezone.now(), user
        self.save()

    def posting_refusal(self, user) -> str:
        """Why `user` may not post to this coverage now, or "" if they may."""
        if not user.has_perm(POST_PERMISSION):
            return _("لا تملك صلاحية النشر في التغطيات المباشرة.")
        if not self.is_live:
            return _("انتهت هذه التغطية؛ لا تُنشر فيها تحديثات جديدة.")
        return ""

    # What readers see, read only when the page's cached region is rendered.
    @cached_property
    def visible_entries(self) -> list["LiveEntry"]:
        return list(self.entries.for_reader())

    @cached_property
    def pinned_entry(self) -> "LiveEntry | None":
        return next((entry for entry in self.visible_entries if entry.is_pinned), None)

    @property
    def stream(self) -> list["LiveEntry"]:
        """Newest first, without the pinned entry (shown on top)."""
        return [entry for entry in self.visible_entries if not entry.is_pinned]

    @property
    def key_events(self) -> list["LiveEntry"]:
        return [entry for entry in self.visible_entries if entry.is_key_event]

    @property
    def cursor(self) -> int:
        """The newest entry a reader has: the poll endpoint answers with those after it."""
        return max((entry.pk for entry in self.visible_entries), default=0)

    @property
    def last_update(self):
        return max((entry.published_at for entry in self.visible_entries), default=self.started_at)


class LiveEntryQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(deleted_at__isnull=True)

    def for_reader(self):
        return (
            self.visible().select_related("author__author_profile", "image").order_by("-published_at", "-id")
        )


class LiveEntry(models.Model):
    coverage = models.ForeignKey(
        LiveCoverage, on_delete=models.CASCADE, related_name="entries", verbose_name=_("التغطية")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("الكاتب")
    )
    published_at = models.DateTimeField(_("الوقت"), default=timezone.now, db_index=True)
    headline = models.CharField(
        _("عنوان قصير"), max_length=140, blank=True, help_text=_("اختياري؛ يظهر في «أبرز الأحداث».")
    )
    body = ProseEditorField(_("النص"), config={"extensions": ENTRY_EXTENSIONS}, sanitize=sanitize_body)
    image = models.ForeignKey(
        MediaImage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("صورة")
    )
    link = models.URLField(_("رابط"), blank=True)
    is_key_event = models.BooleanField(_("حدث بارز"), default=False)
    is_pinned = models.BooleanField(_("مثبّت"), default=False)
    correction_note = models.CharField(
        _("ملاحظة التصحيح"), max_length=300, blank=True, help_text=_("تظهر للقراء تحت التحديث المعدّل.")
    )
    edited_at = models.DateTimeField(_("عُدّل في"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("حُذف في"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("تحديث مباشر")
        verbose_name_plural = _("التحديثات المباشرة")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["coverage", "-published_at"], name="live_entry_stream_idx")]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        self.body = sanitize_body(self.body or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.coverage.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"update-{self.pk}"

    @property
    def author_name(self) -> str:
        profile = getattr(self.author, "author_profile", None)
        return profile.display_name if profile else self.author.get_full_name() or self.author.get_username()

    @property
    def text(self) -> str:
        return " ".join(strip_tags(self.body).split())

    @property
    def summary(self) -> str:
        return self.headline or Truncator(self.text).words(SUMMARY_WORDS)

    def can_be_edited_by(self, user) -> bool:
        """Editors edit any entry; journalists their own."""
        return can_manage(user) or (user.has_perm("live.change_liveentry") and self.author_id == user.pk)

    @transaction.atomic
    def edit(self, user, **changes) -> None:
        """Change the entry, keeping what it said before; `changes` include the correction note."""
        LiveEntryChange.record(self, LiveEntryChange.Action.EDIT, user)
        for name, value in changes.items():
            setattr(self, name, value)
        self.edited_at, self.edited_by = timezone.now(), user
        self.save()

    @transaction.atomic
    def remove(self, user) -> None:
        """Hide the entry from readers; the row and its history stay."""
        LiveEntryChange.record(self, LiveEntryChange.Action.DELETE, user)
        self.deleted_at, self.deleted_by, self.is_pinned = timezone.now(), user, False
        self.save()

    @transaction.atomic
    def set_pinned(self, pinned: bool) -> None:
        """A coverage has one pinned entry at most: pinning this one unpins the other."""
        if pinned:
            for other in self.coverage.entries.filter(is_pinned=True).exclude(pk=self.pk):
                other.is_pinned = False
                other.save()
        self.is_pinned = pinned
        self.save()


class LiveEntryChange(models.Model):
    """What an entry said before an edit or a deletion, who changed it and when."""

    class Action(models.TextChoices):
        EDIT = "edit", _("تعديل")
        DELETE = "delete", _("حذف")

    SNAPSHOT_FIELDS = ("headline", "body", "link", "image_id", "is_key_event", "correction_note")

    entry = models.ForeignKey(LiveEntry, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=8, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()

    class Meta:
        verbose_name = _("تغيير في تحديث")
        verbose_name_plural = _("سجل تغييرات التحديثات")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} #{self.entry_id}"

    @classmethod
    def record(cls, entry: LiveEntry, action: str, user) -> "LiveEntryChange":
        stored = LiveEntry.objects.get(pk=entry.pk)  # what readers saw, not the unsaved changes
        before = {name: getattr(stored, name) for name in cls.SNAPSHOT_FIELDS}
        return cls.objects.create(entry=entry, action=action, changed_by=user, before=before)
