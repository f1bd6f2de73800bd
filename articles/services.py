"""Operations that span several models."""

from django.db import transaction

from articles.models import Tag, TaggedArticle, TagRedirect


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
        TagRedirect.objects.update_or_create(old_slug=source.slug, defaults={"tag": target})
        source.delete()
    TagRedirect.objects.filter(old_slug=target.slug).delete()
    return moved
