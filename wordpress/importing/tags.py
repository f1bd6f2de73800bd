"""WordPress tags → Midad tags, so that spelling variants of a word end as one tag."""

import html
from dataclasses import asdict

from articles.models import Tag
from newsroom.arabic import normalize
from wordpress import wxr
from wordpress.importing.context import Context, checksum, term_key
from wordpress.importing.report import ItemProblem, Kind


class Tags:
    def __init__(self, context: Context):
        self.context = context
        self.declared = {term.slug: term for term in context.export.tags}

    def save(self, term: wxr.Term) -> tuple[str, int]:
        """Import one tag: the outcome, and the tag's id."""
        name = " ".join(html.unescape(term.name or term.slug).split())[:100]
        if not name:
            raise ItemProblem("a tag without a name")
        key = term_key(term)
        _mapping, tag_id = self.context.memory.find(Kind.TAG, key)
        if tag_id is not None:
            return "unchanged", tag_id  # renaming is the newsroom's business once a tag exists
        existed = Tag.objects.filter(normalized=normalize(name)).exists()
        tag = Tag.objects.for_name(name)
        self.context.memory.remember(Kind.TAG, key, tag.pk, digest=checksum(asdict(term)))
        return ("linked" if existed else "created"), tag.pk

    def tag_ids(self, item: wxr.Item) -> set[int]:
        """The tags of a post (a tag the export does not declare is imported on the way)."""
        return {self._tag_id(term) for term in item.terms if term.taxonomy == "post_tag"}

    def _tag_id(self, term: wxr.ItemTerm) -> int:
        declared = self.declared.get(term.slug) or wxr.Term(
            taxonomy="post_tag", slug=term.slug, name=term.name
        )
        return self.context.imported_id(Kind.TAG, term_key(declared), lambda: self.save(declared))
