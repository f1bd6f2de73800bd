"""What the jobs of one import share: the export, the report and the import's memory.

Every WordPress item is imported in a transaction of its own (`Context.in_transaction`).
What the jobs hold in memory besides the database (the import's memory, their caches,
counts of what an item imported on the way, files it stored) is staged: the item sees it
at once, later items only once the item's transaction committed, and it is dropped when
that transaction rolls back, like everything the item wrote.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from articles.models import Article, MediaImage, Section, Tag
from comments.models import Comment
from wordpress import wxr
from wordpress.importing.report import ItemProblem, Kind, Problem, Report
from wordpress.models import WordPressItem

LANGUAGE = settings.PARLER_DEFAULT_LANGUAGE_CODE  # WordPress content becomes the Arabic version


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


def term_key(term: wxr.Term) -> str:
    """How a category or a tag is remembered: by its WordPress id, else by its slug."""
    return term.wp_id or f"slug:{term.slug or term.name}"[:255]


class Staged(Protocol):
    """Held in memory for the current item: kept if its transaction commits, dropped if not."""

    def keep(self) -> None: ...

    def drop(self) -> None: ...


class Cache(Staged):
    """A lookup table that holds only what committed, and what the current item put in."""

    def __init__(self):
        self._committed, self._pending = {}, {}

    def get(self, key, default=None):
        return self._pending[key] if key in self._pending else self._committed.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._pending or key in self._committed

    def put(self, key, value) -> None:
        self._pending[key] = value

    def keep(self) -> None:
        self._committed.update(self._pending)
        self._pending.clear()

    def drop(self) -> None:
        self._pending.clear()


class Memory(Cache):
    """The import's memory (WordPressItem), read once a run: which Midad object each item became."""

    def load(self) -> None:
        """Every mapping, with the id of its Midad object if that still exists (one query a kind)."""
        models = {
            Kind.AUTHOR: get_user_model(),
            Kind.CATEGORY: Section,
            Kind.TAG: Tag,
            Kind.POST: Article,
            Kind.ATTACHMENT: MediaImage,
            Kind.COMMENT: Comment,
        }
        existing = {
            kind: set(
                model._base_manager.filter(
                    pk__in=WordPressItem.objects.filter(kind=kind).values("object_id")
                ).values_list("pk", flat=True)
            )
            for kind, model in models.items()
        }
        self._committed = {}
        for mapping in WordPressItem.objects.iterator():
            alive = mapping.object_id in existing[mapping.kind]
            self._committed[mapping.kind, mapping.wp_id] = (mapping, mapping.object_id if alive else None)
        self._pending.clear()

    def find(self, kind: str, wp_id: str) -> tuple[WordPressItem | None, int | None]:
        """The mapping of a WordPress item, and the id of its Midad object if that still exists."""
        return self.get((kind, wp_id), (None, None))

    def remember(
        self,
        kind: str,
        wp_id: str,
        object_id: int,
        *,
        digest: str = "",
        complete: bool = True,
        parent: WordPressItem | None = None,
    ) -> None:
        previous, _object_id = self.find(kind, wp_id)
        values = {"object_id": object_id, "checksum": digest, "complete": complete, "parent": parent}
        mapping = WordPressItem(pk=previous.pk if previous else None, kind=kind, wp_id=wp_id, **values)
        mapping.save(update_fields=None if previous is None else [*values, "imported_at"])
        self.put((kind, wp_id), (mapping, object_id))


class Tally(Staged):
    """What an item imported on the way (the author its post names, say), counted once it commits."""

    def __init__(self, report: Report):
        self.report = report
        self._pending = Counter()

    def add(self, kind: str, outcome: str) -> None:
        self._pending[kind, outcome] += 1

    def keep(self) -> None:
        for (kind, outcome), number in self._pending.items():
            self.report.count(kind, outcome, number)
        self._pending.clear()

    def drop(self) -> None:
        self._pending.clear()


class Context:
    def __init__(self, export: wxr.Export, *, dry_run: bool):
        self.export = export
        self.dry_run = dry_run
        self.report = Report(dry_run=dry_run)
        self._staged: list[Staged] = []
        self.memory = self.staged(Memory())
        self.on_the_way = self.staged(Tally(self.report))

    def staged(self, thing):
        self._staged.append(thing)
        return thing

    def cache(self) -> Cache:
        return self.staged(Cache())

    def in_transaction(self, action: Callable):
        """Run one item's import in a transaction of its own, keeping what it staged only if that commits."""
        try:
            with transaction.atomic():
                result = action()
        except BaseException:
            for thing in self._staged:
                thing.drop()
            raise
        for thing in self._staged:
            thing.keep()
        return result

    def imported_id(self, kind: str, wp_id: str, save: Callable[[], tuple[str, int]]) -> int:
        """The id of what a WordPress item became, imported on the way if it was not yet
        (an author or a category the export does not declare, say)."""
        _mapping, object_id = self.memory.find(kind, wp_id)
        if object_id is None:
            outcome, object_id = save()
            self.on_the_way.add(kind, outcome)
        return object_id

    def post_problem(self, item: wxr.Item, reason: str) -> None:
        self.report.problems.append(Problem(Kind.POST, item.label, reason))
