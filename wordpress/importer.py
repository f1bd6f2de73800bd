"""Bringing a WordPress site over: authors, categories, tags, posts, images and comments.

`Importer(export, …).run()` imports an `Export` read by wordpress.wxr and returns a
`Report`. Each job has its module in wordpress.importing; this one runs them item by item,
every item in a transaction of its own, so that one bad item is reported and skipped (it
leaves nothing behind) while the rest goes on. `WordPressItem` remembers what each item
became: a second run finds it again, writes nothing for items whose WordPress data did not
change (keeping edits made in Midad since), and updates those whose data did.

A real run commits item by item (an interrupted import is finished by running it again);
a dry run does everything inside one transaction that is rolled back, and stores no files.
"""

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction
from django.utils import translation

from comments.models import refresh_comment_count
from newsroom import expiry
from wordpress import wxr
from wordpress.importing.authors import Authors
from wordpress.importing.comments import NOT_COMMENTS, Comments, threads
from wordpress.importing.context import LANGUAGE, Context
from wordpress.importing.images import Images
from wordpress.importing.posts import SKIPPED_POST_STATUSES, Posts
from wordpress.importing.report import ItemProblem, Kind, Problem, Report
from wordpress.importing.sections import Sections
from wordpress.importing.tags import Tags
from wordpress.importing.uploads import Uploads


@contextmanager
def _commits_not_awaited():
    """Commit each item without waiting for the disk to flush it (PostgreSQL's synchronous_commit
    off): a flush costs milliseconds, more than the item itself. A crash may lose the last items
    committed (well under a second's worth), never part of one: the next run imports them."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


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
        self.dry_run = dry_run
        self.progress = progress or (lambda message: None)
        self.log = log or (lambda message: None)
        self.progress_every = progress_every
        self.context = Context(export, dry_run=dry_run)
        self.report = self.context.report
        self.authors = Authors(self.context)
        self.sections = Sections(self.context)
        self.tags = Tags(self.context)
        self.images = Images(self.context, Uploads(export, folder=uploads, download=download))
        self.posts = Posts(
            self.context,
            authors=self.authors,
            sections=self.sections,
            tags=self.tags,
            images=self.images,
        )
        self.comments = Comments(self.context)
        posts = export.items_of("post")
        self.total = (
            len(export.authors)
            + len(export.categories)
            + len(export.tags)
            + len(posts)
            + sum(len(post.comments) for post in posts)
        )

    def run(self) -> Report:
        with translation.override(LANGUAGE), _commits_not_awaited(), expiry.deferred():
            if self.dry_run:
                with transaction.atomic():
                    self._import_everything()
                    transaction.set_rollback(True)
            else:
                self._import_everything()
        return self.report

    def _import_everything(self) -> None:
        self.context.memory.load()
        for author in self.export.authors:
            self._step(Kind.AUTHOR, f"author {author.login}", lambda author=author: self.authors.save(author))
        for category in self.sections.parents_first():
            label = f"category {category.slug or category.name}"
            self._step(Kind.CATEGORY, label, lambda category=category: self.sections.save(category))
        for tag in self.export.tags:
            self._step(Kind.TAG, f"tag {tag.slug or tag.name}", lambda tag=tag: self.tags.save(tag))
        for item in self.export.items:
            if item.post_type == "post":
                self._post_with_comments(item)
            elif item.post_type != "attachment":
                self.report.not_imported[f"{item.post_type} items (only posts are imported)"] += 1
        if unused := self.images.unused():
            self.report.count(Kind.ATTACHMENT, "skipped", unused)
            self.report.not_imported["media-library files no post uses"] += unused

    def _step(self, kind: str, label: str, save: Callable[[], tuple[str, int]]) -> tuple[str, int | None]:
        """Import one item in a transaction of its own: the outcome and the id of what it became;
        a failure is a reported problem ("skipped", no id), not the end of the import."""
        try:
            outcome, object_id = self.context.in_transaction(save)
        except Exception as error:  # one bad item must never stop the whole import
            reason = str(error) if isinstance(error, ItemProblem) else f"{type(error).__name__}: {error}"
            self.report.problems.append(Problem(kind, label, reason))
            outcome, object_id = "skipped", None
        else:
            if outcome != "unchanged":
                self.log(f"{label}: {outcome}")
        self.report.count(kind, outcome)
        self._tick()
        return outcome, object_id

    def _skip(self, kind: str, reason: str) -> None:
        """An item left out on purpose, counted under `reason`."""
        self.report.count(kind, "skipped")
        self.report.not_imported[reason] += 1
        self._tick()

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

    def _post_with_comments(self, item: wxr.Item) -> None:
        if reason := SKIPPED_POST_STATUSES.get(item.status):
            self._skip(Kind.POST, f"posts {reason}")
            for _comment in item.comments:
                self._skip(Kind.COMMENT, "comments of those posts")
            return
        _outcome, article_id = self._step(Kind.POST, item.label, lambda: self.posts.save(item))
        if article_id is None:
            for _comment in item.comments:
                self._skip(Kind.COMMENT, "comments of posts that could not be imported")
            return
        self._comments(item, article_id)

    def _comments(self, item: wxr.Item, article_id: int) -> None:
        touched = False
        for comment, top in threads(item):
            if comment.type in NOT_COMMENTS:
                self._skip(Kind.COMMENT, "pingbacks and trackbacks")
                continue
            outcome, _comment_id = self._step(
                Kind.COMMENT,
                f"comment {comment.wp_id} on {item.label}",
                lambda comment=comment, top=top: self.comments.save(comment, top, article_id),
            )
            touched |= outcome in ("created", "updated")
        if touched:
            refresh_comment_count(article_id)
