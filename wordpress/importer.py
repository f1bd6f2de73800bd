"""Bringing a WordPress site over: authors, categories, tags, posts, images and comments.

`Importer(export, …).run()` imports an `Export` read by wordpress.wxr and returns a
`Report`. Every WordPress item is imported in its own savepoint, so one bad item is
reported and skipped while the rest goes on. `WordPressItem` remembers what each item
became: a second run finds it again, writes nothing for items whose WordPress data did
not change (keeping edits made in Midad since), and updates those whose data did.

A real run commits item by item (an interrupted import is finished by running it again);
a dry run does everything inside one transaction that is rolled back, and stores no files.
"""

import copy
import hashlib
import html
import json
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from articles import images as image_rules
from articles.models import (
    Article,
    ArticleTranslation,
    AuthorProfile,
    MediaImage,
    Section,
    SectionTranslation,
    Tag,
    unique_slug,
)
from comments.models import Comment, ip_hash, refresh_comment_count
from newsroom.arabic import normalize, unicode_slug
from wordpress import content, wxr
from wordpress.models import QUERY_KEYS, LegacyRedirect, WordPressItem, normalize_path, query_path

Kind = WordPressItem.Kind
LANGUAGE = settings.PARLER_DEFAULT_LANGUAGE_CODE  # WordPress content becomes the Arabic version
DOWNLOAD_TIMEOUT = 10  # seconds
UPLOADS_MARKER = "/wp-content/uploads/"
SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")
PHOTON_HOST = re.compile(r"^i\d\.wp\.com$")
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
SKIPPED_POST_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an empty automatic draft",
    "inherit": "a revision",
}
FALLBACK_AUTHOR = wxr.Author(login="wordpress", display_name="ووردبريس")
FALLBACK_CATEGORY = wxr.Term(taxonomy="category", slug="uncategorized", name="غير مصنّف")
OUTCOMES = ("created", "updated", "unchanged", "linked", "skipped")
KIND_LABELS = {
    Kind.AUTHOR: "authors",
    Kind.CATEGORY: "categories",
    Kind.TAG: "tags",
    Kind.POST: "posts",
    Kind.ATTACHMENT: "images",
    Kind.COMMENT: "comments",
}


EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+")


class ItemProblem(Exception):
    """This item cannot be imported, for the reason given; the import goes on."""


class _DryRunImage:
    """Stands for an image a dry run checked but did not store."""


DRY_RUN_IMAGE = _DryRunImage()


@dataclass
class Problem:
    kind: str
    item: str
    reason: str

    def __post_init__(self):
        # Commenters' (and authors') email addresses are private: never in a report.
        self.item = EMAIL.sub("[email]", self.item)
        self.reason = EMAIL.sub("[email]", self.reason)

    def __str__(self):
        return f"{self.item}: {self.reason}"


@dataclass
class Report:
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[Problem] = field(default_factory=list)
    not_imported: Counter = field(default_factory=Counter)  # reason → how many
    private_posts: list[str] = field(default_factory=list)
    processed: int = 0

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[kind][outcome] += number

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())


def checksum(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def parse_date(gmt: str, local: str) -> datetime | None:
    """A WordPress date in UTC: the GMT column, else the local one read in settings.TIME_ZONE.

    "0000-00-00 00:00:00" (drafts) means no date; anything else that is not a date is an error.
    """
    for value, zone in ((gmt, UTC), (local, ZoneInfo(settings.TIME_ZONE))):
        value = (value or "").strip()
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise ItemProblem(f"unreadable date {value!r}") from None
        return moment.replace(tzinfo=zone).astimezone(UTC)
    return None


class _SameSiteRedirects(HTTPRedirectHandler):
    """Follow a download's redirects only within the WordPress site's own hosts."""

    def __init__(self, allowed: Callable[[str], bool]):
        super().__init__()
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.allowed(newurl):
            raise URLError(f"redirected to another site ({urlsplit(newurl).hostname})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Importer:
    def __init__(
        self,
        export: wxr.Export,
        *,
        uploads: Path | str | None = None,
        download: bool = True,
        dry_run: bool = False,
        progress: Callable[[str], None] | None = None,
        log: Callable[[str], None] | None = None,
        progress_every: int = 100,
    ):
        self.export = export
        self.uploads = Path(uploads).resolve() if uploads else None
        self.download = download and self.uploads is None
        self.dry_run = dry_run
        self.progress = progress or (lambda message: None)
        self.log = log or (lambda message: None)
        self.progress_every = progress_every
        self.report = Report(dry_run=dry_run)
        self.total = 0
        self._mappings: dict[tuple[str, str], WordPressItem] | None = None  # loaded when the run starts
        self._existing: dict[str, set[int]] = {}  # per kind: ids of mapped objects that still exist
        self._journal: list[tuple] = []  # how to forget what the current item's savepoint wrote
        self._profiles: dict[int, int] = {}  # user id → author profile id
        self._images: dict[str, MediaImage | _DryRunImage | None] = {}
        self._image_errors: dict[str, str] = {}
        self._files_written: list[str] = []
        self._index()

    # --- Running ---------------------------------------------------------------------------
    def run(self) -> Report:
        with translation.override(LANGUAGE):
            if self.dry_run:
                with transaction.atomic():
                    self._import_everything()
                    transaction.set_rollback(True)
            else:
                self._import_everything()
        return self.report

    def _import_everything(self) -> None:
        export = self.export
        self._mappings = {(item.kind, item.wp_id): item for item in WordPressItem.objects.iterator()}
        posts = [item for item in export.items if item.post_type == "post"]
        self.total = (
            len(export.authors)
            + len(export.categories)
            + len(export.tags)
            + len(posts)
            + sum(len(post.comments) for post in posts)
        )
        for author in export.authors:
            self._step(Kind.AUTHOR, f"author {author.login}", lambda author=author: self._author(author))
        for category in self._categories_parents_first():
            label = f"category {category.slug or category.name}"
            self._step(Kind.CATEGORY, label, lambda category=category: self._category(category))
        for tag in export.tags:
            self._step(Kind.TAG, f"tag {tag.slug or tag.name}", lambda tag=tag: self._tag(tag))
        for item in export.items:
            if item.post_type == "post":
                self._post_with_comments(item)
            elif item.post_type != "attachment":
                self.report.not_imported[f"{item.post_type} items (only posts are imported)"] += 1
        unused = [wp_id for wp_id in self.attachments if wp_id not in self._used_attachments]
        if unused:
            self.report.count(Kind.ATTACHMENT, "skipped", len(unused))
            self.report.not_imported["media-library files no post uses"] += len(unused)

    def _step(self, kind: str, label: str, action: Callable[[], str]) -> str | None:
        """Run one item's import in a savepoint: a failure is a reported problem, not the end."""
        self._files_written = []
        self._journal = []
        images_before = set(self._images)
        counts_before = {kind: Counter(counter) for kind, counter in self.report.counts.items()}
        try:
            with transaction.atomic():
                outcome = action()
        except Exception as error:  # one bad item must never stop the whole import
            # What the rolled-back savepoint wrote is gone: forget it, and its files.
            self._remove_files()
            self._forget()
            for key in set(self._images) - images_before:
                del self._images[key]
            self.report.counts = defaultdict(Counter, counts_before)
            reason = str(error) if isinstance(error, ItemProblem) else f"{type(error).__name__}: {error}"
            self.report.problems.append(Problem(kind, label, reason))
            self.report.count(kind, "skipped")
            outcome = None
        else:
            self.report.count(kind, outcome)
            if outcome != "unchanged":
                self.log(f"{label}: {outcome}")
        self._tick()
        return outcome

    def _tick(self) -> None:
        self.report.processed += 1
        done = self.report.processed
        if done % self.progress_every == 0:
            report = self.report
            self.progress(
                f"{done}/{self.total} items: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('unchanged')} unchanged, "
                f"{report.total('skipped')} skipped, {len(report.problems)} problems"
            )

    def _remove_files(self) -> None:
        """Files stored for an item whose savepoint was rolled back would be orphans."""
        for name in self._files_written:
            default_storage.delete(name)
        self._files_written = []

    # --- Lookups ---------------------------------------------------------------------------
    def _index(self) -> None:
        export = self.export
        self.attachments = {item.wp_id: item for item in export.items if item.post_type == "attachment"}
        self._used_attachments: set[str] = set()
        self.attachments_by_path: dict[str, wxr.Item] = {}
        self.attachments_by_parent: dict[str, list[wxr.Item]] = defaultdict(list)
        for attachment in self.attachments.values():
            self.attachments_by_parent[attachment.parent_id].append(attachment)
        self.site_hosts = set()
        for url in (export.link, export.base_site_url, export.base_blog_url):
            if host := urlsplit(url).hostname:
                self.site_hosts.add(self._bare_host(host))
        for attachment in self.attachments.values():
            if host := urlsplit(attachment.attachment_url).hostname:
                self.site_hosts.add(self._bare_host(host))
        for attachment in self.attachments.values():
            if path := self._uploads_path(attachment.attachment_url):
                self.attachments_by_path.setdefault(path, attachment)
        self.categories = {term.slug: term for term in export.categories}
        self.tags = {term.slug: term for term in export.tags}
        self.authors = {author.login: author for author in export.authors}
        self.author_logins_by_id = {author.wp_id: author.login for author in export.authors if author.wp_id}
        site = urlsplit(export.base_blog_url or export.link or export.base_site_url)
        self.site_root = (site.scheme or "https", site.netloc)

    @staticmethod
    def _bare_host(host: str) -> str:
        host = host.lower()
        return host.removeprefix("www.")

    # --- The import's memory (WordPressItem), read once -------------------------------------
    def _mapping(self, kind: str, wp_id: str) -> WordPressItem | None:
        return self._mappings.get((kind, wp_id))

    def _mapped_pk(self, kind: str, wp_id: str, model) -> tuple[WordPressItem | None, int | None]:
        """The mapping of a WordPress item, and the id of its Midad object if that still exists."""
        mapping = self._mapping(kind, wp_id)
        if mapping is None:
            return None, None
        if kind not in self._existing:  # one query per kind and run
            mapped = WordPressItem.objects.filter(kind=kind).values("object_id")
            self._existing[kind] = set(model._base_manager.filter(pk__in=mapped).values_list("pk", flat=True))
        return mapping, mapping.object_id if mapping.object_id in self._existing[kind] else None

    def _mapped_object(self, kind: str, wp_id: str, model):
        mapping, pk = self._mapped_pk(kind, wp_id, model)
        return mapping, model._base_manager.filter(pk=pk).first() if pk else None

    def _remember(
        self,
        kind: str,
        wp_id: str,
        obj,
        *,
        digest: str = "",
        complete: bool = True,
        parent: WordPressItem | None = None,
    ) -> WordPressItem:
        key = (kind, wp_id)
        previous = self._mappings.get(key)
        values = {"object_id": obj.pk, "checksum": digest, "complete": complete, "parent": parent}
        if previous is None:
            mapping = WordPressItem.objects.create(kind=kind, wp_id=wp_id, **values)
        else:
            mapping = copy.copy(previous)
            for name, value in values.items():
                setattr(mapping, name, value)
            mapping.save(update_fields=[*values, "imported_at"])
        self._mappings[key] = mapping
        self._journal.append(("mapping", key, previous))
        if kind in self._existing and obj.pk not in self._existing[kind]:
            self._existing[kind].add(obj.pk)
            self._journal.append(("existing", kind, obj.pk))
        return mapping

    def _forget(self) -> None:
        """Undo, in memory, what a rolled-back savepoint had written."""
        for entry in reversed(self._journal):
            if entry[0] == "mapping":
                _what, key, previous = entry
                if previous is None:
                    self._mappings.pop(key, None)
                else:
                    self._mappings[key] = previous
            else:
                _what, kind, pk = entry
                self._existing[kind].discard(pk)
        self._journal = []
        self._profiles.clear()

    # --- Authors ---------------------------------------------------------------------------
    def _author(self, author: wxr.Author) -> str:
        if not author.login:
            raise ItemProblem("an author without a login")
        digest = checksum(asdict(author))
        mapping, user_id = self._mapped_pk(Kind.AUTHOR, author.login, get_user_model())
        full_name = " ".join(filter(None, (author.first_name, author.last_name)))
        display_name = (author.display_name or full_name or author.login)[:120]
        if user_id is not None:
            if mapping.checksum == digest:
                return "unchanged"
            user = get_user_model().objects.get(pk=user_id)
            profile = AuthorProfile.objects.filter(user=user).first()
            if profile is None:
                AuthorProfile.objects.create(user=user, display_name=display_name)
            elif profile.display_name != display_name:
                profile.display_name = display_name
                profile.save()
            self._remember(Kind.AUTHOR, author.login, user, digest=digest)
            return "updated"
        user, outcome = self._new_or_same_user(author)
        if not AuthorProfile.objects.filter(user=user).exists():
            AuthorProfile.objects.create(user=user, display_name=display_name)
        self._remember(Kind.AUTHOR, author.login, user, digest=digest)
        return outcome

    def _new_or_same_user(self, author: wxr.Author):
        """The Midad user for a WordPress author: the same person if the username and email
        match, else a new inactive user without a password (a taken username gets a number)."""
        User = get_user_model()
        base = re.sub(r"[^\w.@+-]", "-", author.login)[:140].strip("-") or "author"
        existing = User.objects.filter(username=base).first()
        if existing and author.email and existing.email.lower() == author.email.lower():
            return existing, "linked"
        username, number = base, 2
        while User.objects.filter(username=username).exists():
            username, number = f"{base}-{number}", number + 1
        user = User(
            username=username,
            email=author.email[:254],
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_active=False,  # until the newsroom invites them
        )
        user.set_unusable_password()
        user.save()
        return user, "created"

    def _author_profile(self, login: str) -> int:
        """The author profile id of a post's dc:creator."""
        login = login or FALLBACK_AUTHOR.login
        _mapping, user_id = self._mapped_pk(Kind.AUTHOR, login, get_user_model())
        if user_id in self._profiles:
            return self._profiles[user_id]
        if user_id is None:  # an author the export does not declare
            author = self.authors.get(login) or (
                FALLBACK_AUTHOR if login == FALLBACK_AUTHOR.login else wxr.Author(login=login)
            )
            outcome = self._author(author)
            self.report.count(Kind.AUTHOR, outcome)
            _mapping, user_id = self._mapped_pk(Kind.AUTHOR, login, get_user_model())
        profile = AuthorProfile.objects.filter(user_id=user_id).first()
        if profile is None:  # removed in the newsroom since
            user = get_user_model().objects.get(pk=user_id)
            profile = AuthorProfile.objects.create(
                user=user, display_name=(user.get_full_name() or user.username)[:120]
            )
        self._profiles[user_id] = profile.pk
        return profile.pk

    # --- Categories → sections -------------------------------------------------------------
    def _categories_parents_first(self) -> list[wxr.Term]:
        """Depth-first: each category right after its parent, in the export's order otherwise."""
        children = defaultdict(list)
        for term in self.export.categories:
            parent = term.parent_slug if term.parent_slug in self.categories else ""
            children[parent].append(term)
        ordered, seen = [], set()

        def visit(slug: str) -> None:
            for term in children.get(slug, []):
                if term.slug not in seen:
                    seen.add(term.slug)
                    ordered.append(term)
                    visit(term.slug)

        visit("")
        ordered += [term for term in self.export.categories if term.slug not in seen]  # cycles
        return ordered

    @staticmethod
    def _category_key(term: wxr.Term) -> str:
        return term.wp_id or f"slug:{term.slug or term.name}"[:255]

    def _category(self, term: wxr.Term) -> str:
        if not term.slug and not term.name:
            raise ItemProblem("a category without a name")
        key = self._category_key(term)
        digest = checksum(asdict(term))
        parent = None
        if term.parent_slug and term.parent_slug in self.categories:
            parent = self._mapping(Kind.CATEGORY, self._category_key(self.categories[term.parent_slug]))
        name = html.unescape(term.name or term.slug)[:80]
        mapping, section_id = self._mapped_pk(Kind.CATEGORY, key, Section)
        if section_id is not None:
            if mapping.checksum == digest and (mapping.parent_id == (parent.pk if parent else None)):
                return "unchanged"
            section = Section.objects.get(pk=section_id)
            section.set_current_language(LANGUAGE)
            section.name = name
            section.description = content.plain_text(term.description)
            section.save()
            self._remember(Kind.CATEGORY, key, section, digest=digest, parent=parent)
            return "updated"
        slug = unicode_slug(term.slug)[:80].strip("-") or unicode_slug(name)[:80].strip("-")
        existing = Section.objects.translated(LANGUAGE, slug=slug).first() if slug else None
        taken_by_import = (
            existing and WordPressItem.objects.filter(kind=Kind.CATEGORY, object_id=existing.pk).exists()
        )
        if existing and not taken_by_import:
            self._remember(Kind.CATEGORY, key, existing, digest=digest, parent=parent)
            return "linked"  # the newsroom already has this section
        position = (Section.objects.aggregate(last=Max("position"))["last"] or 0) + 1
        section = Section(position=position)
        section.set_current_language(LANGUAGE)
        section.name = name
        section.description = content.plain_text(term.description)
        siblings = SectionTranslation.objects.filter(language_code=LANGUAGE)
        section.slug = unique_slug(slug or name, siblings)[:80]
        section.save()
        self._remember(Kind.CATEGORY, key, section, digest=digest, parent=parent)
        return "created"

    def _section(self, item: wxr.Item) -> int:
        """The section of a post: its first category (created if the export did not declare it)."""
        first = next((term for term in item.terms if term.taxonomy == "category"), None)
        if first is None:
            term = self.categories.get(FALLBACK_CATEGORY.slug, FALLBACK_CATEGORY)
        else:
            term = self.categories.get(first.slug) or wxr.Term(
                taxonomy="category", slug=first.slug, name=first.name
            )
        _mapping, section_id = self._mapped_pk(Kind.CATEGORY, self._category_key(term), Section)
        if section_id is None:
            self.report.count(Kind.CATEGORY, self._category(term))
            _mapping, section_id = self._mapped_pk(Kind.CATEGORY, self._category_key(term), Section)
        return section_id

    # --- Tags ------------------------------------------------------------------------------
    @staticmethod
    def _tag_name(name: str) -> str:
        return " ".join(html.unescape(name).split())[:100]

    @staticmethod
    def _tag_key(term: wxr.Term) -> str:
        return term.wp_id or f"slug:{term.slug or term.name}"[:255]

    def _tag(self, term: wxr.Term) -> str:
        name = self._tag_name(term.name or term.slug)
        if not name:
            raise ItemProblem("a tag without a name")
        key = self._tag_key(term)
        _mapping, tag_id = self._mapped_pk(Kind.TAG, key, Tag)
        if tag_id is not None:
            return "unchanged"  # renaming is the newsroom's business once a tag exists
        existed = Tag.objects.filter(normalized=normalize(name)).exists()
        tag = Tag.objects.for_name(name)
        self._remember(Kind.TAG, key, tag, digest=checksum(asdict(term)))
        return "linked" if existed else "created"

    # --- Posts -----------------------------------------------------------------------------
    def _post_with_comments(self, item: wxr.Item) -> None:
        label = item.label
        if reason := SKIPPED_POST_STATUSES.get(item.status):
            self.report.not_imported[f"posts {reason}"] += 1
            self.report.count(Kind.POST, "skipped")
            self._tick()
            for _comment in item.comments:
                self.report.count(Kind.COMMENT, "skipped")
                self._tick()
            if item.comments:
                self.report.not_imported["comments of those posts"] += len(item.comments)
            return
        self._article_id = None
        outcome = self._step(Kind.POST, label, lambda: self._post(item))
        article_id = self._article_id if outcome else None
        if article_id is None:
            for _comment in item.comments:
                self.report.count(Kind.COMMENT, "skipped")
                self._tick()
            if item.comments:
                self.report.not_imported["comments of posts that could not be imported"] += len(item.comments)
            return
        self._comments(item, article_id)

    def _post(self, item: wxr.Item) -> str:
        if not item.wp_id:
            raise ItemProblem("a post without wp:post_id")
        problems_before = len(self.report.problems)
        digest = checksum({key: value for key, value in asdict(item).items() if key != "comments"})
        mapping, article_id = self._mapped_pk(Kind.POST, item.wp_id, Article)
        if item.status == "private":
            self.report.private_posts.append(item.label)
        if article_id is not None and mapping.checksum == digest and mapping.complete:
            self._article_id = article_id
            self._used_attachments.update(self._attachment_ids(item))
            return "unchanged"
        article = Article.objects.get(pk=article_id) if article_id else None

        date = parse_date(item.post_date_gmt, item.post_date)
        status, publish_at = self._status(item, date)
        if status == Article.Status.PUBLISHED and publish_at is None:  # Article.save() would say "now"
            publish_at = (article.publish_at if article else None) or timezone.now()
        values = {
            "status": status,
            "publish_at": publish_at,
            "section_id": self._section(item),
            "author_id": self._author_profile(item.creator),
            "is_featured": item.is_sticky,
            "comments_open": item.comment_status != "closed",
        }
        title = " ".join(content.plain_text(item.title).split())[:250] or f"WordPress {item.wp_id}"
        featured, caption = self._featured_image(item, title)
        if featured is not DRY_RUN_IMAGE:
            values["featured_image_id"] = featured.pk if featured else None
        translated = {
            "title": title,
            "dek": content.plain_text(item.excerpt),
            "body": content.to_body(
                item.content,
                image_url=lambda url, context: self._inline_image(url, context, item, title),
                gallery=lambda ids: self._gallery(item, ids),
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
        tag_ids = {self._tag_for(term) for term in item.terms if term.taxonomy == "post_tag"} - {None}
        if tag_ids != set(article.tags.values_list("pk", flat=True)):
            article.tags.set(list(Tag.objects.filter(pk__in=tag_ids)))
            changed = True
        if item.status in ("publish", "future"):
            changed |= self._legacy_redirects(item, article)
        complete = len(self.report.problems) == problems_before
        self._remember(Kind.POST, item.wp_id, article, digest=digest, complete=complete)
        self._article_id = article.pk
        if created:
            return "created"
        return "updated" if changed else "unchanged"

    def _status(self, item: wxr.Item, date: datetime | None):
        if item.status == "publish":
            return Article.Status.PUBLISHED, date
        if item.status == "future":
            if date is None:
                raise ItemProblem("a scheduled post without a date")
            return Article.Status.PUBLISHED, date  # in the future: scheduled
        if item.status == "private":
            return Article.Status.DRAFT, date  # not public; its date is kept
        return Article.Status.DRAFT, None  # draft, pending and anything else

    def _differs(self, article: Article, values: dict, translated: dict) -> bool:
        """Whether importing again would change anything (so that an unchanged article is not saved)."""
        if any(getattr(article, name) != value for name, value in values.items()):
            return True
        translation = ArticleTranslation.objects.filter(master=article, language_code=LANGUAGE).first()
        if translation is None:
            return True
        return any(getattr(translation, name) != value for name, value in translated.items())

    def _slug(self, item: wxr.Item, title: str, article: Article) -> str:
        siblings = ArticleTranslation.objects.filter(language_code=LANGUAGE)
        if article.pk:
            siblings = siblings.exclude(master_id=article.pk)
        return unique_slug(item.slug or title, siblings)

    def _tag_for(self, term: wxr.ItemTerm) -> int:
        declared = self.tags.get(term.slug) or wxr.Term(taxonomy="post_tag", slug=term.slug, name=term.name)
        key = self._tag_key(declared)
        _mapping, tag_id = self._mapped_pk(Kind.TAG, key, Tag)
        if tag_id is None:
            self.report.count(Kind.TAG, self._tag(declared))
            _mapping, tag_id = self._mapped_pk(Kind.TAG, key, Tag)
        return tag_id

    def _legacy_redirects(self, item: wxr.Item, article: Article) -> bool:
        """The post's old addresses: its permalink, and ?p=<id>. True if any was added or moved."""
        paths = {query_path("p", item.wp_id)}
        for url in (item.link, item.guid):
            parts = urlsplit(html.unescape(url))
            query = parse_qs(parts.query)
            for key in QUERY_KEYS:
                if query.get(key, [""])[0].isdigit():
                    paths.add(query_path(key, query[key][0]))
                    break
            else:
                if url == item.link and parts.path.strip("/"):
                    paths.add(normalize_path(parts.path))
        new_path = normalize_path(article.get_absolute_url())
        changed = False
        for path in sorted(paths):
            if path == new_path:
                continue  # the same address in Midad: a redirect would point at itself
            if len(path) > LegacyRedirect._meta.get_field("old_path").max_length:
                self._problem(item, f"old address too long to keep: {path[:80]}…")
                continue
            redirect, created = LegacyRedirect.objects.get_or_create(
                old_path=path, defaults={"article": article}
            )
            if not created and redirect.article_id != article.pk:
                redirect.article = article
                redirect.save(update_fields=["article"])
                changed = True
            changed |= created
        return changed

    def _problem(self, item: wxr.Item, reason: str) -> None:
        self.report.problems.append(Problem(Kind.POST, item.label, reason))

    # --- Images ----------------------------------------------------------------------------
    def _attachment_ids(self, item: wxr.Item) -> set[str]:
        """The media-library items a post uses: featured image, pictures in the body, galleries."""
        ids = {item.meta.get("_thumbnail_id", "")}
        for source in content.image_sources(item.content):
            if (path := self._uploads_path(source)) and (attachment := self._attachment_for_path(path)):
                ids.add(attachment.wp_id)
        for attributes in GALLERY.findall(item.content):
            named, _positional = content.shortcode_attributes(attributes)
            if gallery_ids := named.get("ids", named.get("include", "")):
                ids.update(part.strip() for part in gallery_ids.split(","))
            else:
                ids.update(attachment.wp_id for attachment in self.attachments_by_parent.get(item.wp_id, []))
        return ids - {""}

    def _uploads_path(self, url: str) -> str | None:
        """The file's path inside wp-content/uploads/ if `url` is one of the site's uploads."""
        parts = urlsplit(html.unescape(url or "").strip())
        if parts.scheme not in ("", "http", "https"):
            return None
        if parts.netloc and parts.hostname:
            host = self._bare_host(parts.hostname)
            if host not in self.site_hosts and not PHOTON_HOST.match(host):
                return None
        path = unquote(parts.path)
        if UPLOADS_MARKER not in path:
            return None
        relative = posixpath.normpath(path.split(UPLOADS_MARKER, 1)[1])
        if relative.startswith(("..", "/")) or relative == ".":
            return None
        return relative

    def _attachment_for_path(self, path: str) -> wxr.Item | None:
        original = SIZE_SUFFIX.sub("", path)
        for candidate in (path, original):
            if attachment := self.attachments_by_path.get(candidate):
                return attachment
        stem, extension = posixpath.splitext(original)
        return self.attachments_by_path.get(f"{stem}-scaled{extension}")

    def _featured_image(self, item: wxr.Item, title: str):
        wp_id = item.meta.get("_thumbnail_id", "").strip()
        if not wp_id:
            return None, ""
        attachment = self.attachments.get(wp_id)
        if attachment is None or not attachment.attachment_url:
            self._problem(item, f"featured image {wp_id} is not in the export")
            return None, ""
        image = self._image(attachment.attachment_url, attachment, item, title)
        return image, content.plain_text(attachment.excerpt)

    def _inline_image(self, url: str, context: str, item: wxr.Item, title: str) -> str | None:
        path = self._uploads_path(url)
        if path is None:
            if context == "img" and re.match(r"(?:https?:)?//", url):
                self._problem(item, f"image {url} is on another site; left as it is")
            return None
        attachment = self._attachment_for_path(path)
        key = self._image_key(path, attachment)
        if context == "link" and key not in self._images:
            return None  # a link to a picture the body does not show: left pointing at the old site
        image = self._image(url, attachment, item, title)
        return image.file.url if isinstance(image, MediaImage) else None

    def _gallery(self, item: wxr.Item, ids: list[str] | None) -> list[tuple[str, str, str]]:
        if ids is None:
            attachments = self.attachments_by_parent.get(item.wp_id, [])
        else:
            attachments = [self.attachments[wp_id] for wp_id in ids if wp_id in self.attachments]
            if missing := [wp_id for wp_id in ids if wp_id not in self.attachments]:
                self._problem(item, f"gallery images {', '.join(missing)} are not in the export")
        return [
            (a.attachment_url, a.meta.get("_wp_attachment_image_alt", ""), content.plain_text(a.excerpt))
            for a in attachments
            if a.attachment_url
        ]

    def _image_key(self, path: str, attachment: wxr.Item | None) -> str:
        if attachment is not None:
            return attachment.wp_id
        original = SIZE_SUFFIX.sub("", path)
        key = f"file:{original}"
        return key if len(key) <= 255 else f"file:{hashlib.sha256(original.encode()).hexdigest()}"

    def _image(self, url: str, attachment: wxr.Item | None, item: wxr.Item, title: str):
        """The MediaImage of an uploaded picture, imported once; None (and a problem) if it cannot be."""
        path = self._uploads_path(url)
        if path is None:
            self._problem(item, f"image {url} is not one of the site's uploads")
            return None
        if attachment is None:
            attachment = self._attachment_for_path(path)
        if attachment is not None:
            self._used_attachments.add(attachment.wp_id)
        key = self._image_key(path, attachment)
        if key in self._images:
            if self._images[key] is None:
                self._problem(item, f"image {url}: {self._image_errors.get(key, 'could not be imported')}")
            return self._images[key]
        _mapping, image = self._mapped_object(Kind.ATTACHMENT, key, MediaImage)
        if image is not None:  # imported by an earlier run
            self._images[key] = image
            return image
        try:
            name, data = self._image_bytes(url, path, attachment)
            upload = ContentFile(data, name=name)
            image_rules.validate_image_upload(upload)
        except (ItemProblem, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self._problem(item, f"image {url}: {reason}")
            self._images[key], self._image_errors[key] = None, reason
            return None
        self.report.count(Kind.ATTACHMENT, "created")
        if self.dry_run:  # checked, not stored: a dry run writes no files
            self._images[key] = DRY_RUN_IMAGE
            return DRY_RUN_IMAGE
        alt = attachment.meta.get("_wp_attachment_image_alt", "") if attachment else ""
        alt = content.plain_text(alt or (attachment.title if attachment else "") or title)[:250]
        image = MediaImage(
            alt_text=alt or title[:250],
            caption=content.plain_text(attachment.excerpt)[:300] if attachment else "",
            file=upload,
        )
        image.save()
        self._files_written.append(image.file.name)
        for kind in ("webp", "fallback"):
            self._files_written += [rendition["name"] for rendition in image.renditions.get(kind, [])]
        self._remember(Kind.ATTACHMENT, key, image)
        self._images[key] = image
        return image

    def _image_bytes(self, url: str, path: str, attachment: wxr.Item | None) -> tuple[str, bytes]:
        """The original file: from --uploads, else downloaded from the site (the full size first)."""
        candidates = []
        if attachment is not None and (attachment_path := self._uploads_path(attachment.attachment_url)):
            candidates.append((attachment_path, attachment.attachment_url))
        original = SIZE_SUFFIX.sub("", path)
        candidates += [(original, self._with_path(url, original)), (path, url)]
        if self.uploads is not None:
            for relative, _url in candidates:
                file = (self.uploads / relative).resolve()
                if file.is_relative_to(self.uploads) and file.is_file():
                    if file.stat().st_size > image_rules.MAX_UPLOAD_BYTES:
                        raise ItemProblem(f"larger than {image_rules.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                    return file.name, file.read_bytes()
            raise ItemProblem(f"not found in the uploads folder ({path})")
        if not self.download:
            raise ItemProblem("not downloaded (no --uploads folder, and downloads are off)")
        errors = []
        for relative, candidate in dict.fromkeys(candidates):
            try:
                return posixpath.basename(relative), self._fetch(candidate)
            except ItemProblem as problem:
                errors.append(str(problem))
        raise ItemProblem(errors[-1] if errors else "could not be downloaded")

    def _with_path(self, url: str, relative: str) -> str:
        parts = urlsplit(html.unescape(url).strip())
        scheme, netloc = (parts.scheme or self.site_root[0], parts.netloc or self.site_root[1])
        prefix = unquote(parts.path).split(UPLOADS_MARKER, 1)[0]
        return urlunsplit((scheme, netloc, quote(f"{prefix}{UPLOADS_MARKER}{relative}"), "", ""))

    def _is_site_url(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and (
                self._bare_host(parts.hostname) in self.site_hosts or bool(PHOTON_HOST.match(parts.hostname))
            )
        )

    def _fetch(self, url: str) -> bytes:
        """Download one file (timeout, size limit, redirects only within the site)."""
        if not url.startswith(("http://", "https://")):
            url = self._with_path(url, self._uploads_path(url) or "")
        if not self._is_site_url(url):
            raise ItemProblem("not on the WordPress site's own address")
        limit = image_rules.MAX_UPLOAD_BYTES
        opener = build_opener(_SameSiteRedirects(self._is_site_url))
        request = Request(url, headers={"User-Agent": "Midad WordPress import"})
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise ItemProblem(f"larger than {limit // (1024 * 1024)} MB")
                data = response.read(limit + 1)
        except ItemProblem:
            raise
        except HTTPError as error:
            raise ItemProblem(f"could not be downloaded (HTTP {error.code})") from None
        except (OSError, ValueError) as error:  # URLError, timeouts, refused connections, bad URLs
            reason = getattr(error, "reason", None) or error
            raise ItemProblem(f"could not be downloaded ({reason})") from None
        if len(data) > limit:
            raise ItemProblem(f"larger than {limit // (1024 * 1024)} MB")
        return data

    # --- Comments --------------------------------------------------------------------------
    def _comments(self, item: wxr.Item, article_id: int) -> None:
        by_id = {comment.wp_id: comment for comment in item.comments}

        def top_level(comment: wxr.Comment) -> wxr.Comment | None:
            """The thread's first comment: Midad threads are one level deep."""
            seen, current = {comment.wp_id}, comment
            while current.parent_id in by_id and current.parent_id not in seen:
                seen.add(current.parent_id)
                current = by_id[current.parent_id]
            return current if current is not comment else None

        tops = {comment.wp_id: top_level(comment) for comment in item.comments}
        ordered = sorted(item.comments, key=lambda comment: tops[comment.wp_id] is not None)
        touched = False
        for comment in ordered:
            if comment.type in ("pingback", "trackback"):
                self.report.count(Kind.COMMENT, "skipped")
                self.report.not_imported["pingbacks and trackbacks"] += 1
                self._tick()
                continue
            parent = tops[comment.wp_id]
            outcome = self._step(
                Kind.COMMENT,
                f"comment {comment.wp_id} on {item.label}",
                lambda comment=comment, parent=parent: self._comment(comment, parent, article_id),
            )
            touched |= outcome in ("created", "updated")
        if touched:
            refresh_comment_count(article_id)

    def _comment(self, comment: wxr.Comment, parent: wxr.Comment | None, article_id: int) -> str:
        if not comment.wp_id:
            raise ItemProblem("a comment without wp:comment_id")
        digest = checksum(asdict(comment))
        mapping, comment_id = self._mapped_pk(Kind.COMMENT, comment.wp_id, Comment)
        if comment_id is not None and mapping.checksum == digest:
            return "unchanged"
        parent_id = self._mapped_pk(Kind.COMMENT, parent.wp_id, Comment)[1] if parent else None
        date = parse_date(comment.date_gmt, comment.date)
        website = html.unescape(comment.url).strip()
        staff_login = self.author_logins_by_id.get(comment.user_id) if comment.user_id != "0" else None
        staff_id = self._mapped_pk(Kind.AUTHOR, staff_login, get_user_model())[1] if staff_login else None
        values = {
            "article_id": article_id,
            "parent_id": parent_id,
            "name": content.plain_text(comment.author)[:80] or "زائر",
            "email": comment.email.strip()[:254],
            "website": website if re.match(r"https?://", website) and len(website) <= 200 else "",
            "text": content.plain_text(comment.content),
            "status": COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            "ip_hash": ip_hash(comment.ip.strip()) if comment.ip.strip() else "",
            "staff_author_id": staff_id,
        }
        if comment_id is None:
            existing = Comment.objects.create(**values)
            outcome = "created"
        else:
            existing = Comment.objects.get(pk=comment_id)
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            outcome = "updated"
        if date:
            Comment.objects.filter(pk=existing.pk).update(created_at=date)
        self._remember(Kind.COMMENT, comment.wp_id, existing, digest=digest)
        return outcome
