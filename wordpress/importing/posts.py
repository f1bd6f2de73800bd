"""WordPress posts → Midad articles in Arabic, with their section, author, tags and pictures."""

from dataclasses import asdict
from datetime import datetime

from django.utils import timezone

from articles.models import Article, ArticleTranslation, TaggedArticle, unique_slug
from newsroom import expiry
from wordpress import content, wxr
from wordpress.importing import redirects
from wordpress.importing.authors import Authors
from wordpress.importing.context import LANGUAGE, Context, checksum, parse_date
from wordpress.importing.images import DRY_RUN_IMAGE, Images
from wordpress.importing.report import ItemProblem, Kind
from wordpress.importing.sections import Sections
from wordpress.importing.tags import Tags

SKIPPED_POST_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an empty automatic draft",
    "inherit": "a revision",
}


class Posts:
    def __init__(
        self,
        context: Context,
        *,
        authors: Authors,
        sections: Sections,
        tags: Tags,
        images: Images,
    ):
        self.context = context
        self.authors, self.sections, self.tags, self.images = authors, sections, tags, images

    def save(self, item: wxr.Item) -> tuple[str, int]:
        """Import one post: the outcome, and the article's id."""
        if not item.wp_id:
            raise ItemProblem("a post without wp:post_id")
        problems = self.context.report.problems
        problems_before = len(problems)
        digest = checksum({key: value for key, value in asdict(item).items() if key != "comments"})
        mapping, article_id = self.context.memory.find(Kind.POST, item.wp_id)
        if item.status == "private":
            self.context.report.private_posts.append(item.label)
        if article_id is not None and mapping.checksum == digest and mapping.complete:
            self.images.mark_used(item)
            return "unchanged", article_id
        article = Article.objects.get(pk=article_id) if article_id else None

        date = parse_date(item.post_date_gmt, item.post_date)
        status, publish_at = self._status(item, date)
        if status == Article.Status.PUBLISHED and publish_at is None:  # Article.save() would say "now"
            publish_at = (article.publish_at if article else None) or timezone.now()
        values = {
            "status": status,
            "publish_at": publish_at,
            "section_id": self.sections.section_id(item),
            "author_id": self.authors.profile_id(item.creator),
            "is_featured": item.is_sticky,
            "comments_open": item.comment_status != "closed",
        }
        title = " ".join(content.plain_text(item.title).split())[:250] or f"WordPress {item.wp_id}"
        featured, caption = self.images.featured(item, title)
        if featured is not DRY_RUN_IMAGE:
            values["featured_image_id"] = featured.pk if featured else None
        translated = {
            "title": title,
            "dek": content.plain_text(item.excerpt),
            "body": content.to_body(
                item.content,
                image_url=lambda url, context: self.images.inline(url, context, item, title),
                gallery=lambda ids: self.images.gallery(item, ids),
            ),
            "image_caption": caption[:300],
        }
        created = article is None
        if created:
            article = Article(**values)
            article.set_current_language(LANGUAGE)
        translated["slug"] = self._slug(item, title, article)
        changed = created or self._differs(article, values, translated)
        if changed:
            for name, value in values.items():
                setattr(article, name, value)
            article.set_current_language(LANGUAGE)
            for name, value in translated.items():
                setattr(article, name, value)
            article.save()
        if created and date:
            Article.objects.filter(pk=article.pk).update(created_at=date)
        if self._set_tags(article, self.tags.tag_ids(item), created):
            changed = True
        if item.status in ("publish", "future"):
            changed |= redirects.keep_old_addresses(self.context, item, article)
        complete = len(problems) == problems_before
        self.context.memory.remember(Kind.POST, item.wp_id, article.pk, digest=digest, complete=complete)
        if created:
            return "created", article.pk
        return ("updated" if changed else "unchanged"), article.pk

    @staticmethod
    def _set_tags(article: Article, tag_ids: set[int], created: bool) -> bool:
        """Give the article exactly these tags, in two queries at most: True if they changed."""
        current = set() if created else set(article.tagged_items.values_list("tag_id", flat=True))
        if removed := current - tag_ids:
            article.tagged_items.filter(tag_id__in=removed).delete()
        if added := tag_ids - current:
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=article, tag_id=tag_id) for tag_id in added
            )
            expiry.article_tagged(article, added)
        return bool(removed or added)

    @staticmethod
    def _status(item: wxr.Item, date: datetime | None):
        if item.status == "publish":
            return Article.Status.PUBLISHED, date
        if item.status == "future":
            if date is None:
                raise ItemProblem("a scheduled post without a date")
            return Article.Status.PUBLISHED, date  # in the future: scheduled
        if item.status == "private":
            return Article.Status.DRAFT, date  # not public; its date is kept
        return Article.Status.DRAFT, None  # draft, pending and anything else

    @staticmethod
    def _differs(article: Article, values: dict, translated: dict) -> bool:
        """Whether importing again would change anything (so that an unchanged article is not saved)."""
        if any(getattr(article, name) != value for name, value in values.items()):
            return True
        translation = ArticleTranslation.objects.filter(master=article, language_code=LANGUAGE).first()
        if translation is None:
            return True
        return any(getattr(translation, name) != value for name, value in translated.items())

    @staticmethod
    def _slug(item: wxr.Item, title: str, article: Article) -> str:
        siblings = ArticleTranslation.objects.filter(language_code=LANGUAGE)
        if article.pk:
            siblings = siblings.exclude(master_id=article.pk)
        return unique_slug(item.slug or title, siblings)
