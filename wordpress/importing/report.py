"""What an import tells: counts per kind and outcome, problems, and what it left out."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from wordpress.models import WordPressItem

Kind = WordPressItem.Kind
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
