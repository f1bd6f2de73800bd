"""Operations that span several models."""

from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ReviewNote, Tag, TaggedArticle, TagRedirect
from articles.tasks import notify_editors


@transaction.atomic
def tag_merge(*, target: Tag, sources) -> int:
    """Move every article of `sources` to `target`, keep their URLs as redirects, delete them.

    Returns how many articles gained the target tag.
    """
    sources = list(sources)
    already_tagged = TaggedArticle.objects.filter(tag=target).values("content_object_id")
    moving = TaggedArticle.objects.filter(tag__in=sources).exclude(content_object_id__in=already_tagged)
    moved = 0
    for article_id in moving.values_list("content_object_id", flat=True).distinct():
        TaggedArticle.objects.create(tag=target, content_object_id=article_id)
        moved += 1
    for source in sources:
        TagRedirect.objects.filter(tag=source).update(tag=target)
        TagRedirect.objects.update_or_create(
            old_slug=source.slug, defaults={"tag": target, "merged_tag_id": source.pk}
        )
        source.delete()
    TagRedirect.objects.filter(old_slug=target.slug).delete()
    return moved


@dataclass
class RestoredTags:
    merged_into: list[Tag]  # tags that took the place of tags merged into them
    dropped: bool  # some tags were deleted for good and could not come back


@transaction.atomic
def reattach_restored_tags(article_id) -> RestoredTags:
    """A restored revision may give the article tags merged or deleted since it was saved: a
    merged tag is replaced by the tag it went into, a deleted one is left out."""
    rows = TaggedArticle.objects.filter(content_object_id=article_id)
    orphans = dict(rows.exclude(tag__in=Tag.objects.all()).values_list("pk", "tag_id"))
    if not orphans:
        return RestoredTags(merged_into=[], dropped=False)
    targets = dict(
        TagRedirect.objects.filter(merged_tag_id__in=orphans.values()).values_list("merged_tag_id", "tag_id")
    )
    TaggedArticle.objects.filter(pk__in=orphans).delete()
    new_tag_ids = {targets[tag_id] for tag_id in orphans.values() if tag_id in targets}
    new_tag_ids -= set(rows.values_list("tag_id", flat=True))
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object_id=article_id, tag_id=tag_id) for tag_id in new_tag_ids
    )
    return RestoredTags(
        merged_into=list(Tag.objects.filter(pk__in=new_tag_ids)),
        dropped=any(tag_id not in targets for tag_id in orphans.values()),
    )


# --- Review: a writer hands an article to the editors, who publish it or send it back ------
def submit_for_review(article: Article) -> None:
    """Stamp when the writer handed the article over; once it is saved, the editors get an email
    in the background."""
    article.submitted_at = timezone.now()
    transaction.on_commit(lambda: notify_editors.enqueue(article.pk))


def _move(article: Article, status: str, user, comment: str) -> None:
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        article.status = status
        article.save()


@transaction.atomic
def withdraw_from_review(article: Article, user) -> None:
    """The writer takes the article back to keep working on it."""
    _move(article, Article.Status.DRAFT, user, _("سُحب من المراجعة"))


@transaction.atomic
def send_back(article: Article, editor, note: str) -> ReviewNote:
    """The editor returns the article to its writer as a draft, saying what to change."""
    _move(article, Article.Status.DRAFT, editor, _("أُعيد إلى الكاتب مع ملاحظة"))
    return ReviewNote.objects.create(article=article, text=note, written_by=editor)
