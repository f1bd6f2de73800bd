"""What each change expires: every rule of caching by dependency, in one place.

Pages and fragments declare the tags they show (newsroom/cachetags.py); the receivers below
name the tags a change touches. The vocabulary:

- ``article:<id>``: an article's own content, shown by its page (every language) and its cards;
- ``comments:<id>``: its published comments (its page only; counts on cards may lag);
- ``list:latest``, ``list:section:<id>``, ``list:tag:<id>``, ``list:author:<id>``,
  ``list:archive:<yyyy-mm>``: which articles a list holds (home, feeds, archive, …);
- ``section:<id>``, ``tag:<id>``, ``author:<id>``, ``image:<id>``: names, bios and pictures;
- ``everything``: pages about all published content at once (search, sitemaps);
- ``menu``, ``ticker``, ``most_read``, ``settings``, ``comment-rules``: what they say;
- ``live:<id>``: a live coverage's entries (its article's page and its poll endpoint).

Nothing a reader cannot see expires anything: saving a draft, a piece in review or a
scheduled article that is not public yet leaves every page cached.

A long run of saves (manage.py import_wordpress) expires once, at its end: ``deferred()``.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import override

from articles.fragments import ticker_articles
from articles.models import (
    Article,
    ArticleTranslation,
    AuthorProfile,
    MediaImage,
    Section,
    SectionTranslation,
    Tag,
    TaggedArticle,
)
from comments.models import Comment, ModerationSettings
from live.models import LiveCoverage, LiveEntry
from newsroom import cachetags
from newsroom.models import SiteSettings

_deferred: ContextVar[set[str] | None] = ContextVar("expiry_deferred", default=None)


def expire(*tags: str) -> None:
    """`cachetags.expire`, or kept for the end of the `deferred()` block running."""
    if (collected := _deferred.get()) is not None:
        collected.update(tags)
    else:
        cachetags.expire(*tags)


@contextmanager
def deferred():
    """Expire nothing while the block runs, then everything its changes expire, at once, when
    it ends (fails too: what it committed before must not stay cached). Pages rendered in the
    meantime may show the old content until then; the block saves one change record per tag
    instead of one write per tag per save."""
    if _deferred.get() is not None:  # nested: the outer block expires
        yield
        return
    collected: set[str] = set()
    token = _deferred.set(collected)
    try:
        yield
    finally:
        _deferred.reset(token)
        cachetags.expire(*collected)


# What decides which lists an article is in: a change of any of these moves it between lists.
LIST_FIELDS = ("section_id", "author_id", "publish_at", "is_featured", "is_breaking", "breaking_until")


def _public_state(article: Article) -> dict | None:
    """The fields that place a public article in lists, or None when readers cannot see it."""
    if not article.is_public:
        return None
    state = {name: getattr(article, name) for name in LIST_FIELDS}
    state["tag_ids"] = set(
        TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True)
    )
    return state


def _lists(state: dict) -> set[str]:
    month = timezone.localtime(state["publish_at"]).strftime("%Y-%m")
    return {
        "list:latest",
        f"list:section:{state['section_id']}",
        f"list:author:{state['author_id']}",
        f"list:archive:{month}",
        *(f"list:tag:{tag_id}" for tag_id in state["tag_ids"]),
    }


def _in_ticker(article: Article) -> bool:
    """Whether the ticker of any edition shows `article` (each edition lists its own)."""
    for language, _name in settings.LANGUAGES:
        with override(language):
            if article.pk in {shown.pk for shown in ticker_articles()}:
                return True
    return False


def article_changed(article: Article, before: dict | None, after: dict | None) -> None:
    """Expire what shows `article`, given where it was listed before and after the change."""
    if before is None and after is None:
        return
    tags = {f"article:{article.pk}", "everything", "most_read"}
    fields = (*LIST_FIELDS, "tag_ids")
    if before is None or after is None or any(before[name] != after[name] for name in fields):
        for state in (before, after):
            if state:
                tags |= _lists(state)
        tags.add("ticker")
    elif after["is_breaking"] or _in_ticker(article):
        tags.add("ticker")
    expire(*tags)


def archive_loaded(states: Iterable[dict]) -> None:
    """A bulk load (manage.py seed_bench) runs no signal: expire every list its new public
    articles joined, given their states as `_public_state` describes them."""
    tags = {"everything", "most_read", "ticker"}
    for state in states:
        tags |= _lists(state)
    expire(*tags)


@receiver(pre_save, sender=Article)
def _remember_article(sender, instance: Article, raw=False, **kwargs):
    stored = Article.objects.filter(pk=instance.pk).first() if instance.pk and not raw else None
    instance._listed_before = _public_state(stored) if stored else None


@receiver(post_save, sender=Article)
def _article_saved(sender, instance: Article, raw=False, **kwargs):
    if not raw:
        article_changed(instance, getattr(instance, "_listed_before", None), _public_state(instance))


@receiver(pre_delete, sender=Article)
def _article_deleting(sender, instance: Article, **kwargs):
    instance._listed_before = _public_state(instance)


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance: Article, **kwargs):
    article_changed(instance, instance._listed_before, None)


@receiver(post_save, sender=ArticleTranslation)
@receiver(post_delete, sender=ArticleTranslation)
def _article_text_changed(sender, instance: ArticleTranslation, raw=False, created=False, **kwargs):
    article = Article.objects.filter(pk=instance.master_id).first()
    if article is not None and not raw:
        state = _public_state(article)
        # A language added or removed puts the article in, or takes it out of, that edition's lists.
        language_changed = created or kwargs["signal"] is post_delete
        article_changed(article, None if language_changed else state, state)


def article_tagged(article: Article, tag_ids: Iterable[int]) -> None:
    """Expire what shows `article` given the tags it gained or lost (a bulk_create sends no signal)."""
    if article.is_public:
        expire(f"article:{article.pk}", *(f"list:tag:{tag_id}" for tag_id in tag_ids), "everything")


@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
def _article_tagged(sender, instance: TaggedArticle, raw=False, **kwargs):
    article = Article.objects.filter(pk=instance.content_object_id).first()
    if article is not None and not raw:
        article_tagged(article, [instance.tag_id])


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=SectionTranslation)
@receiver(post_delete, sender=SectionTranslation)
def _section_changed(sender, instance, **kwargs):
    section_id = instance.master_id if isinstance(instance, SectionTranslation) else instance.pk
    expire(f"section:{section_id}", f"list:section:{section_id}", "menu", "everything")


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def _tag_changed(sender, instance: Tag, **kwargs):
    expire(f"tag:{instance.pk}", f"list:tag:{instance.pk}", "everything")


@receiver(post_save, sender=AuthorProfile)
@receiver(post_delete, sender=AuthorProfile)
def _author_changed(sender, instance: AuthorProfile, **kwargs):
    expire(f"author:{instance.pk}")


@receiver(post_save, sender=MediaImage)
@receiver(post_delete, sender=MediaImage)
def _image_changed(sender, instance: MediaImage, **kwargs):
    expire(f"image:{instance.pk}")


@receiver(post_save, sender=SiteSettings)
def _site_settings_changed(sender, **kwargs):
    expire("settings")


@receiver(post_save, sender=ModerationSettings)
def _comment_rules_changed(sender, **kwargs):
    expire("comment-rules")


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def _comment_changed(sender, instance: Comment, created=False, **kwargs):
    """Any decision on a comment; a new comment held for moderation shows nowhere yet."""
    if not (created and instance.status != Comment.Status.APPROVED):
        expire(f"comments:{instance.article_id}")


@receiver(post_save, sender=LiveCoverage)
@receiver(post_delete, sender=LiveCoverage)
def _live_coverage_changed(sender, instance: LiveCoverage, raw=False, **kwargs):
    """Opening or ending a coverage: its page, and the «مباشر» mark on its cards and the ticker."""
    article = Article.objects.filter(pk=instance.article_id).first()
    if not raw and article is not None and article.is_public:
        expire(*instance.cache_tags, f"article:{article.pk}", "ticker")


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def _live_entry_changed(sender, instance: LiveEntry, raw=False, **kwargs):
    """Any entry posted, edited, pinned or deleted: the coverage's page and poll endpoint."""
    coverage = LiveCoverage.objects.select_related("article").filter(pk=instance.coverage_id).first()
    if not raw and coverage is not None and coverage.article.is_public:
        expire(*coverage.cache_tags)
