"""The newsroom's content: sections, authors, images, tags and articles."""

import math
import re
from functools import cached_property
from operator import itemgetter

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from parler.fields import TranslationsForeignKey
from parler.managers import TranslatableManager, TranslatableQuerySet
from parler.models import TranslatableModel, TranslatedFieldsModel
from reversion.models import Version
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles import images
from articles.richtext import BODY_EXTENSIONS, sanitize_body
from newsroom.arabic import initials, normalize, unicode_slug

WORDS_PER_MINUTE = 140  # measured reading speed of Arabic prose is lower than English (≈ 230)


def unique_slug(text: str, others) -> str:
    """A Unicode slug for `text` that none of the rows in `others` (a queryset) uses yet."""
    base = unicode_slug(text)[:200].strip("-") or "article"
    slug, number = base, 2
    while others.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Sections ---------------------------------------------------------------------------
class Section(TranslatableModel):
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)
    in_navigation = models.BooleanField(_("يظهر في القائمة"), default=True)

    class Meta:
        verbose_name = _("قسم")
        verbose_name_plural = _("الأقسام")
        ordering = ["position", "id"]

    def __str__(self):
        return self.safe_translation_getter("name", any_language=True) or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse(
            "articles:section", kwargs={"slug": self.safe_translation_getter("slug", any_language=True)}
        )

    @property
    def cache_tags(self) -> list[str]:
        return [f"section:{self.pk}"]

    @property
    def list_cache_tag(self) -> str:
        """Which articles the section holds (see newsroom/expiry.py)."""
        return f"list:section:{self.pk}"

    @property
    def nav_key(self) -> str:
        """Which menu item is the current page's (see the shared menu fragment)."""
        return f"section-{self.pk}"


class SectionTranslation(TranslatedFieldsModel):
    master = TranslationsForeignKey(Section, on_delete=models.CASCADE, related_name="translations", null=True)
    name = models.CharField(_("الاسم"), max_length=80)
    slug = models.SlugField(_("المعرّف في الرابط"), max_length=80, allow_unicode=True, blank=True)
    description = models.TextField(_("الوصف"), blank=True)

    class Meta:
        unique_together = [("language_code", "master"), ("language_code", "slug")]

    def save(self, *args, **kwargs):
        if not self.slug:
            siblings = SectionTranslation.objects.filter(language_code=self.language_code).exclude(pk=self.pk)
            self.slug = unique_slug(self.name, siblings)
        super().save(*args, **kwargs)


# --- Images -----------------------------------------------------------------------------
_width = itemgetter("width")  # of a rendition


class MediaImage(models.Model):
    """An uploaded picture: validated, stripped of EXIF location, with WebP renditions."""

    file = images.ImageUploadField(
        _("الصورة"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        _("النص البديل"), max_length=250, help_text=_("ما تُظهره الصورة، لمن لا يراها.")
    )
    caption = models.CharField(_("التعليق"), max_length=300, blank=True)
    credit = models.CharField(_("المصدر/المصوّر"), max_length=150, blank=True)
    renditions = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("صورة")
        verbose_name_plural = _("الصور")
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        new_upload = self.file and not getattr(self.file, "_committed", True)
        if new_upload:
            self.file = images.sanitize_upload(self.file)
        super().save(*args, **kwargs)
        if new_upload or not self.renditions:
            self.renditions = images.make_renditions(self.file.name)
            MediaImage.objects.filter(pk=self.pk).update(renditions=self.renditions)

    @property
    def cache_tags(self) -> list[str]:
        return [f"image:{self.pk}"]

    @property
    def stored_names(self) -> list[str]:
        """The names of its files in the media storage: the original, then its renditions."""
        renditions = [*self._renditions("webp"), *self._renditions("fallback")]
        return [self.file.name, *(rendition["name"] for rendition in renditions)]

    # Every URL of a rendition comes from here; images.make_renditions() describes them.
    def _renditions(self, kind: str) -> list[dict]:
        if kind not in ("webp", "fallback"):
            raise ValueError(f"kind must be 'webp' or 'fallback', not {kind!r}")
        return self.renditions.get(kind) or []

    def rendition_url(self, width: int, kind: str = "fallback") -> str:
        """The URL of the narrowest rendition at least `width` pixels wide, else of the widest one.

        `kind` is "fallback" (JPEG, or PNG for PNG and GIF originals: what every reader decodes)
        or "webp". An image without renditions yet gives its original file.
        """
        renditions = self._renditions(kind)
        if not renditions:
            return self.file.url
        wide_enough = [rendition for rendition in renditions if rendition["width"] >= width]
        chosen = min(wide_enough, key=_width) if wide_enough else max(renditions, key=_width)
        return self.file.storage.url(chosen["name"])

    def _srcset(self, kind: str) -> str:
        """The srcset attribute value ('<url> 480w, <url> 800w') of the renditions of `kind`."""
        return ", ".join(
            f"{self.file.storage.url(rendition['name'])} {rendition['width']}w"
            for rendition in self._renditions(kind)
        )

    @property
    def srcset(self) -> str:
        return self._srcset("webp")

    @property
    def srcset_fallback(self) -> str:
        return self._srcset("fallback")

    @property
    def smallest_url(self) -> str:
        return self.rendition_url(0)

    @property
    def share_url(self) -> str:
        """What link previews, search engines and feed readers show: a JPEG or PNG about 1200 pixels wide."""
        return self.rendition_url(images.SHARE_WIDTH)

    def edit_refusal(self, user) -> str:
        """Why `user` may not change or delete this image, or "" if they may.

        What a published article shows is changed only by those who may publish: a journalist
        edits their own images, and only while no published (or scheduled) article shows them.
        """
        if not user.has_perm("articles.change_mediaimage"):
            return _("لا تملك صلاحية تعديل الصور.")
        if user.has_perm("articles.publish_article"):
            return ""
        if self.uploaded_by_id != user.pk:
            return _("لا تعدّل إلا الصور التي رفعتها؛ اطلب من محرر تعديل هذه الصورة.")
        if article := Article.objects.filter(status=Article.Status.PUBLISHED).showing(self).first():
            return _("تظهر هذه الصورة في المقال المنشور «%(title)s»، فلا يغيّرها أو يحذفها إلا محرر.") % {
                "title": article
            }
        return ""

    def can_be_edited_by(self, user) -> bool:
        return not self.edit_refusal(user)


@receiver(post_delete, sender=MediaImage)
def _delete_stored_files(sender, instance: MediaImage, **kwargs):
    """A deleted image takes its files with it (from the disk or the bucket), once the deletion is
    committed; files another image row still points at (a reused upload) stay."""

    def delete():
        if instance.file.name and not MediaImage.objects.filter(file=instance.file.name).exists():
            for name in instance.stored_names:
                instance.file.storage.delete(name)

    transaction.on_commit(delete)


# --- Authors ----------------------------------------------------------------------------
class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="author_profile",
        verbose_name=_("المستخدم"),
    )
    display_name = models.CharField(_("الاسم المعروض"), max_length=120)
    slug = models.SlugField(
        _("المعرّف في الرابط"), max_length=120, allow_unicode=True, unique=True, blank=True
    )
    bio = models.TextField(_("نبذة"), blank=True)
    photo = models.ForeignKey(
        MediaImage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("الصورة"),
    )

    class Meta:
        verbose_name = _("كاتب")
        verbose_name_plural = _("الكتّاب")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            others = AuthorProfile.objects.exclude(pk=self.pk)
            self.slug = unique_slug(self.display_name, others)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        """What the author box shows when there is no photo."""
        return initials(self.display_name)

    @classmethod
    def of(cls, user) -> "AuthorProfile":
        """The profile that credits `user`, made from their name the first time they write."""
        profile, _created = cls.objects.get_or_create(
            user=user, defaults={"display_name": user.get_full_name() or user.get_username()}
        )
        return profile

    @property
    def cache_tags(self) -> list[str]:
        return [f"author:{self.pk}", *([f"image:{self.photo_id}"] if self.photo_id else [])]

    @property
    def list_cache_tag(self) -> str:
        return f"list:author:{self.pk}"


# --- Tags -------------------------------------------------------------------------------
class TagManager(models.Manager):
    def for_name(self, name: str) -> "Tag":
        """The tag spelled `name`, or an existing tag spelled the same up to Arabic variants."""
        name = " ".join(name.split())
        tag, _created = self.get_or_create(normalized=normalize(name), defaults={"name": name})
        return tag


class Tag(TagBase):
    name = models.CharField(pgettext_lazy("tag", "الاسم"), unique=True, max_length=100)
    slug = models.SlugField(_("المعرّف في الرابط"), unique=True, max_length=100, allow_unicode=True)
    normalized = models.CharField(max_length=100, unique=True, editable=False)

    objects = TagManager()

    class Meta:
        verbose_name = _("وسم")
        verbose_name_plural = _("الوسوم")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.normalized = normalize(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        return unicode_slug(tag) + (f"-{i}" if i else "")

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})

    @property
    def cache_tags(self) -> list[str]:
        return [f"tag:{self.pk}"]

    @property
    def list_cache_tag(self) -> str:
        return f"list:tag:{self.pk}"


class TagRedirect(models.Model):
    """The URL of a tag that was merged into another keeps working."""

    old_slug = models.SlugField(max_length=100, allow_unicode=True, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects")
    # The merged tag's id: article revisions saved before the merge still refer to it.
    merged_tag_id = models.BigIntegerField(null=True, editable=False, db_index=True)

    def __str__(self):
        return f"{self.old_slug} → {self.tag}"


class TaggedArticle(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        unique_together = [("content_object", "tag")]


class NormalizedTagManager(_TaggableManager):
    """Tags typed by editors join the existing tag with the same normalised spelling."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [Tag.objects.for_name(tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


# --- Articles ---------------------------------------------------------------------------
def public() -> Q:
    """Published and its time has come: the condition on `status` and `publish_at` that both
    articles and their search entries (SearchEntry, which copies the two) are filtered by."""
    return Q(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())


class ArticleQuerySet(TranslatableQuerySet):
    def published(self, *, any_language: bool = False):
        """The only definition of what readers may see: published, its time has come, and
        written in the language of the edition being read (the active language), so every
        list of the English edition holds English articles only. `any_language`: every
        edition at once (the sitemap, finding an article's other edition)."""
        public_articles = self.filter(public())
        if any_language:
            return public_articles
        language = get_language() or settings.LANGUAGE_CODE
        written = ArticleTranslation.objects.filter(master=OuterRef("pk"), language_code=language)
        return public_articles.filter(Exists(written))

    def breaking(self):
        """Breaking news for the ticker; each item leaves it by itself at its expiry time."""
        now = timezone.now()
        return (
            self.published()
            .filter(is_breaking=True)
            .filter(Q(breaking_until__isnull=True) | Q(breaking_until__gt=now))
            .order_by("-breaking_priority", "-publish_at")
        )

    def next_change(self, now):
        """When the published set next changes by itself: a scheduled article going public or
        a breaking story leaving the ticker (None if nothing is due)."""
        due = self.filter(status=Article.Status.PUBLISHED).aggregate(
            publication=models.Min("publish_at", filter=Q(publish_at__gt=now)),
            breaking_end=models.Min("breaking_until", filter=Q(is_breaking=True, breaking_until__gt=now)),
        )
        return min(filter(None, due.values()), default=None)

    def showing(self, image: MediaImage):
        """The articles that show `image`: as their featured image, or in the body of a translation."""
        shown = Q(featured_image=image)
        for path in images.url_paths(image.file.name):
            shown |= Q(translations__body__contains=path)
        return self.filter(shown).distinct()

    def for_listing(self):
        """Everything a list of article cards shows, in a fixed number of queries. Whether a
        live coverage is on (the «مباشر» mark: `live_now`) is asked in the select list rather
        than joined: PostgreSQL took longer to plan these joins than to run them, and each
        joined table made it slower still."""
        coverage = apps.get_model("live", "LiveCoverage")  # the live app builds on this one
        on_air = coverage.objects.filter(article=OuterRef("pk"), state=coverage.State.LIVE)
        return (
            self.select_related("section", "author", "featured_image")
            .annotate(live_now=Exists(on_air))
            .prefetch_related("translations", "section__translations")
        )

    def for_page(self):
        """What an article's own page shows: its card's, and its live coverage itself."""
        return self.for_listing().select_related("live_coverage")

    def awaiting_review(self):
        """What writers have handed to the editors, longest waiting first."""
        return self.filter(status=Article.Status.REVIEW).order_by(
            F("submitted_at").asc(nulls_first=True), "pk"
        )

    def with_review_note(self):
        """Annotates `review_note`: the text of the editor's note that sent each article back,
        while its writer has not answered it (else None)."""
        notes = ReviewNote.objects.open().filter(article=OuterRef("pk"))
        return self.annotate(review_note=Subquery(notes.values("text")[:1]))

    def visible_to(self, user, *, any_language: bool = False):
        """What `user` may open: editorial staff preview anything, readers see published()."""
        if user.is_authenticated and user.is_staff and user.has_perm("articles.view_article"):
            return self.all()
        return self.published(any_language=any_language)


class Article(TranslatableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        REVIEW = "review", _("قيد المراجعة")
        PUBLISHED = "published", _("منشور")
        ARCHIVED = "archived", _("مؤرشف")

    # Statuses someone without the publish permission may give an article.
    WRITER_STATUSES = (Status.DRAFT, Status.REVIEW)

    status = models.CharField(
        _("الحالة"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("موعد النشر"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("اتركه فارغاً للنشر فوراً؛ موعد في المستقبل يجعل المقال مجدولاً."),
    )
    first_published_at = models.DateTimeField(_("أول نشر"), null=True, blank=True, editable=False)
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("القسم")
    )
    author = models.ForeignKey(
        AuthorProfile, on_delete=models.PROTECT, related_name="articles", verbose_name=_("الكاتب")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("أنشأه"),
    )
    featured_image = models.ForeignKey(
        MediaImage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("الصورة الرئيسية"),
    )
    is_breaking = models.BooleanField(_("خبر عاجل"), default=False)
    breaking_priority = models.PositiveSmallIntegerField(
        _("أولوية العاجل"), default=5, help_text=_("من 1 إلى 10؛ الأعلى يظهر أولاً في الشريط.")
    )
    breaking_until = models.DateTimeField(
        _("يبقى عاجلاً حتى"), null=True, blank=True, help_text=_("بعده يغادر الخبر شريط العاجل تلقائياً.")
    )
    is_featured = models.BooleanField(_("القصة الرئيسية"), default=False)
    comments_open = models.BooleanField(_("التعليقات مفتوحة"), default=True)
    comment_count = models.PositiveIntegerField(_("التعليقات المنشورة"), default=0, editable=False)
    created_at = models.DateTimeField(_("أُنشئ في"), auto_now_add=True)
    updated_at = models.DateTimeField(_("عُدّل في"), auto_now=True)
    content_updated_at = models.DateTimeField(
        _("آخر تحديث للمحتوى"), null=True, blank=True, editable=False, help_text=_("تعديل النص بعد النشر.")
    )
    version = models.PositiveIntegerField(
        _("رقم النسخة"), default=1, editable=False, help_text=_("يزيد مع كل حفظ؛ يكشف التعديلات المتزامنة.")
    )
    submitted_at = models.DateTimeField(_("أُرسل للمراجعة في"), null=True, blank=True, editable=False)

    tags = TaggableManager(
        through=TaggedArticle,
        manager=NormalizedTagManager,
        blank=True,
        verbose_name=_("الوسوم"),
        help_text="",
    )

    objects = TranslatableManager.from_queryset(ArticleQuerySet)()

    class Meta:
        verbose_name = _("مقال")
        verbose_name_plural = _("المقالات")
        ordering = ["-publish_at", "-id"]
        permissions = [("publish_article", _("يستطيع نشر المقالات وجدولتها"))]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_public_idx")]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            self.publish_at = self.publish_at or timezone.now()
            self.first_published_at = self.first_published_at or self.publish_at
        if not self._state.adding and kwargs.get("update_fields") is None:
            self.version = F("version") + 1  # counted by the database: read back after the save
        super().save(*args, **kwargs)

    def locked_version(self) -> int:
        """The saved version number, the row locked until the transaction ends: no other save
        can come between a check of this number and the save that follows it."""
        return Article.objects.select_for_update().values_list("version", flat=True).get(pk=self.pk)

    def latest_revision(self):
        """Who saved the article last and when, as django-reversion recorded it (or None)."""
        version = Version.objects.get_for_object(self).select_related("revision__user").first()
        return version.revision if version else None

    def get_absolute_url(self):
        """The article's address in the edition being read (the active language)."""
        slug = self.safe_translation_getter("slug", language_code=get_language(), any_language=True)
        return reverse("articles:detail", kwargs={"slug": slug})

    @property
    def cache_tags(self) -> list[str]:
        """What a card of this article shows: the article, its section's name, its picture."""
        image = [f"image:{self.featured_image_id}"] if self.featured_image_id else []
        return [f"article:{self.pk}", f"section:{self.section_id}", *image]

    @cached_property
    def page_cache_tags(self) -> list[str]:
        """What the article's own page shows besides cards: author, tags, comments, the
        related articles (the lists of its tags). Its tags are fetched once, for the page too."""
        prefetch_related_objects([self], "tags")
        tags = [tag for tagged in self.tags.all() for tag in (*tagged.cache_tags, tagged.list_cache_tag)]
        return [*self.cache_tags, *self.author.cache_tags, *tags, *self.comment_cache_tags]

    @property
    def comment_cache_tags(self) -> list[str]:
        return [f"comments:{self.pk}", "comment-rules"]

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def display_status(self) -> str:
        return _("مجدول") if self.is_scheduled else self.get_status_display()

    @property
    def was_updated(self) -> bool:
        """Readers see an "updated" time only for real content edits after publication."""
        return bool(self.content_updated_at and self.publish_at and self.content_updated_at > self.publish_at)

    def related(self, limit: int = 4):
        """Other published articles sharing the most tags with this one, newest first."""
        return (
            Article.objects.published()
            .filter(tags__in=self.tags.all())
            .exclude(pk=self.pk)
            .annotate(shared_tags=models.Count("tags"))
            .order_by("-shared_tags", "-publish_at")
            .for_listing()[:limit]
        )

    def neighbours_in_section(self) -> tuple["Article | None", "Article | None"]:
        """The published articles of its section just before and just after this one (older,
        newer); none for an article not published yet."""
        if not self.is_public:
            return None, None
        same_section = (
            Article.objects.published().filter(section_id=self.section_id).prefetch_related("translations")
        )
        same_time = Q(publish_at=self.publish_at)
        older = same_section.filter(Q(publish_at__lt=self.publish_at) | same_time & Q(pk__lt=self.pk))
        newer = same_section.filter(Q(publish_at__gt=self.publish_at) | same_time & Q(pk__gt=self.pk))
        return older.order_by("-publish_at", "-pk").first(), newer.order_by("publish_at", "pk").first()

    @cached_property
    def translation_urls(self) -> dict[str, str]:
        """The URL of each language version that exists, in the order of `LANGUAGES`, for the
        language switch and hreflang (kept with the article where readers' views cache it:
        articles/views.py)."""
        slugs = {translation.language_code: translation.slug for translation in self.translations.all()}
        urls = {}
        for code, _name in settings.LANGUAGES:
            if code in slugs:
                with override(code):
                    urls[code] = reverse("articles:detail", kwargs={"slug": slugs[code]})
        return urls

    def slimmed_for_cache(self) -> "Article":
        """This article ready to be pickled into the cache: its language versions' URLs
        computed, the translation in the active language (its section's too) kept in parler's
        own cache, and the prefetched translation querysets dropped. Their pickled queries
        made up most of the cost of reading the article back on every personal page."""
        self.translation_urls  # noqa: B018 -- needs every translation, computed while they are here
        self.title, self.section.name  # noqa: B018 -- parler keeps these translations (or fallbacks)
        for instance in (self, self.section):
            instance._prefetched_objects_cache.pop("translations", None)
        return self

    @classmethod
    def statuses_for(cls, user) -> list[str]:
        if user.has_perm("articles.publish_article"):
            return list(cls.Status.values)
        return list(cls.WRITER_STATUSES)

    def can_be_edited_by(self, user) -> bool:
        """Editors edit anything; journalists only their own drafts."""
        if user.has_perm("articles.publish_article"):
            return user.has_perm("articles.change_article")
        return self._is_writers_own(user) and self.status == self.Status.DRAFT

    def can_be_withdrawn_by(self, user) -> bool:
        """A writer takes their own article back from review, to keep working on it."""
        return self._is_writers_own(user) and self.status == self.Status.REVIEW

    def can_be_sent_back_by(self, user) -> bool:
        """An editor returns an article under review to its writer instead of publishing it."""
        return self.status == self.Status.REVIEW and user.has_perm("articles.publish_article")

    def _is_writers_own(self, user) -> bool:
        return user.has_perm("articles.change_article") and self.created_by_id == user.pk

    def open_review_note(self) -> "ReviewNote | None":
        """The editor's note that sent the article back, while its writer has not answered it."""
        return self.review_notes.open().select_related("written_by").first()


@receiver(pre_save, sender=Article)
def keep_version_number(sender, instance, raw, **kwargs):
    """Restoring a revision (a raw save) brings back its fields but never an older version
    number: a form opened at that number must not pass for up to date again."""
    if raw and instance.pk:
        current = Article.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
        instance.version = current or instance.version


class ReviewNoteQuerySet(models.QuerySet):
    def open(self):
        """Notes not answered yet: their article is a draft again and was not submitted since."""
        return self.filter(article__status=Article.Status.DRAFT).filter(
            Q(article__submitted_at__isnull=True) | Q(created_at__gt=F("article__submitted_at"))
        )


class ReviewNote(models.Model):
    """Why an editor sent an article back to its writer instead of publishing it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_notes")
    text = models.TextField(_("ملاحظة المحرر"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("كتبها"),
    )
    created_at = models.DateTimeField(_("كُتبت في"), auto_now_add=True)

    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("ملاحظة مراجعة")
        verbose_name_plural = _("ملاحظات المراجعة")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text


class ArticleTranslation(TranslatedFieldsModel):
    CONTENT_FIELDS = ("title", "dek", "body")

    master = TranslationsForeignKey(Article, on_delete=models.CASCADE, related_name="translations", null=True)
    title = models.CharField(_("العنوان"), max_length=250)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=250,
        allow_unicode=True,
        blank=True,
        help_text=_("يُشتق من العنوان إن تُرك فارغاً. تغييره بعد النشر يُبقي الرابط القديم محوّلاً."),
    )
    dek = models.TextField(
        _("المقدمة"), blank=True, help_text=_("سطر أو سطران يلخصان الخبر، يظهران تحت العنوان.")
    )
    body = ProseEditorField(_("النص"), config={"extensions": BODY_EXTENSIONS}, sanitize=True, blank=True)
    seo_title = models.CharField(_("عنوان محركات البحث"), max_length=70, blank=True)
    seo_description = models.CharField(_("وصف محركات البحث"), max_length=170, blank=True)
    image_caption = models.CharField(_("تعليق الصورة"), max_length=300, blank=True)
    update_note = models.CharField(
        _("ملاحظة التحديث"), max_length=300, blank=True, help_text=_("تظهر للقراء بجانب وقت التحديث.")
    )
    correction_note = models.TextField(
        _("تصحيح"), blank=True, help_text=_("ملاحظة تصحيح علنية تظهر في أسفل المقال.")
    )
    reading_minutes = models.PositiveSmallIntegerField(_("دقائق القراءة"), default=1, editable=False)
    # Arabic-normalised copies of the text, from which a database trigger keeps this
    # translation's SearchEntry, what reader search reads (see articles/search.py).
    search_title = models.CharField(max_length=250, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        unique_together = [("language_code", "master"), ("language_code", "slug")]

    def save(self, *args, **kwargs):
        self.body = sanitize_body(self.body or "")
        text = strip_tags(self.body)
        self.search_title = normalize(self.title)
        self.search_document = normalize(f"{self.title} {self.dek} {text}")
        words = len(re.findall(r"\w+", text))
        self.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        if not self.slug:
            siblings = ArticleTranslation.objects.filter(language_code=self.language_code).exclude(pk=self.pk)
            self.slug = unique_slug(self.title, siblings)
        previous = ArticleTranslation.objects.filter(pk=self.pk).first() if self.pk else None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous:
                self._remember_history(previous)

    def _remember_history(self, previous: "ArticleTranslation") -> None:
        article = self.master
        if not article.first_published_at:
            return
        if previous.slug != self.slug:
            ArticleSlugRedirect.objects.update_or_create(
                language_code=self.language_code, old_slug=previous.slug, defaults={"article": article}
            )
        ArticleSlugRedirect.objects.filter(language_code=self.language_code, old_slug=self.slug).delete()
        if any(getattr(previous, name) != getattr(self, name) for name in self.CONTENT_FIELDS):
            Article.objects.filter(pk=article.pk).update(content_updated_at=timezone.now())


class SearchEntry(models.Model):
    """What reader search reads of one translation (articles/search.py), in a narrow table of
    its own: a search checks thousands of rows, and reading them from the translations, with
    their bodies, or joined to their articles, took most of its time.

    Written only by database triggers (migration 0008), whatever writes the rows (a save, an
    update, a COPY): from the translation, its normalised title and the `arabic` text-search
    vector of its `search_document`; from the article, copies of `status` and `publish_at`,
    so that `public()` filters the entries themselves. The foreign keys have no database
    constraint: the triggers delete an entry with its translation, and an entry written in
    the middle of a bulk load would otherwise have to wait for the checks."""

    translation = models.OneToOneField(
        ArticleTranslation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_entry",
    )
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    language_code = models.CharField(max_length=15)
    status = models.CharField(max_length=12)
    publish_at = models.DateTimeField(null=True)
    title = models.CharField(max_length=250)
    vector = SearchVectorField()

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector_idx"),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="search_entry_title_trgm_idx"),
            models.Index(fields=["language_code", "status", "publish_at"], name="search_entry_newest_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} ({self.language_code}): {self.title}"


class ArticleViewCount(models.Model):
    """Reader views of an article in one hour, written in batches (see articles/popularity.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_counts")
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("article", "hour")]
        indexes = [models.Index(fields=["hour"], name="article_views_hour_idx")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}: {self.views}"


class ArticleSlugRedirect(models.Model):
    """An article's former slug: its old URL answers with a permanent redirect."""

    language_code = models.CharField(max_length=15)
    old_slug = models.SlugField(max_length=250, allow_unicode=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_redirects")

    class Meta:
        unique_together = [("language_code", "old_slug")]

    def __str__(self):
        return f"{self.old_slug} → {self.article}"
