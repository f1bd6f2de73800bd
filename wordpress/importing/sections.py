"""WordPress categories → Midad sections, flat (the hierarchy is kept in WordPressItem.parent).

A category the newsroom already has, under the same slug or the same name however it is
spelt («إقتصاد», «الاقتصاد», «اقتصاد»), is linked, not created again. A section the import
creates is kept out of the menu, as WordPress keeps new categories out of its menus: the
editors choose which ones to show (Admin → Sections).
"""

import html
from collections import defaultdict
from dataclasses import asdict

from django.db.models import Max

from articles.models import Section, SectionTranslation, unique_slug
from newsroom.arabic import normalize, unicode_slug, without_article, words
from wordpress import content, wxr
from wordpress.importing.context import LANGUAGE, Context, checksum, term_key
from wordpress.importing.report import ItemProblem, Kind
from wordpress.models import WordPressItem

DEFAULT_CATEGORY = wxr.Term(taxonomy="category", slug="uncategorized", name="غير مصنّف")
DEFAULT_CATEGORY_NAMES = {normalize(DEFAULT_CATEGORY.name), "uncategorized"}


def is_default_category(term: wxr.Term | wxr.ItemTerm) -> bool:
    """WordPress's own "Uncategorized", which a post is in when nobody chose a category."""
    return term.slug == DEFAULT_CATEGORY.slug or normalize(html.unescape(term.name)) in DEFAULT_CATEGORY_NAMES


def name_key(name: str) -> str:
    """How a category's name is compared with the sections': normalised, and without the article
    that one site writes and another leaves out («الرياضة», «رياضة»)."""
    return " ".join(without_article(word) for word in words(name))


class Sections:
    def __init__(self, context: Context):
        self.context = context
        self.declared = {term.slug: term for term in context.export.categories}

    def parents_first(self) -> list[wxr.Term]:
        """Depth-first: each category right after its parent, in the export's order otherwise."""
        children = defaultdict(list)
        for term in self.context.export.categories:
            parent = term.parent_slug if term.parent_slug in self.declared else ""
            children[parent].append(term)
        ordered, seen = [], set()

        def visit(slug: str) -> None:
            for term in children.get(slug, []):
                if term.slug not in seen:
                    seen.add(term.slug)
                    ordered.append(term)
                    visit(term.slug)

        visit("")
        ordered += [term for term in self.context.export.categories if term.slug not in seen]  # cycles
        return ordered

    def save(self, term: wxr.Term) -> tuple[str, int]:
        """Import one category: the outcome, and the section's id."""
        if not term.slug and not term.name:
            raise ItemProblem("a category without a name")
        memory = self.context.memory
        key = term_key(term)
        digest = checksum(asdict(term))
        parent = None
        if term.parent_slug and term.parent_slug in self.declared:
            parent, _section_id = memory.find(Kind.CATEGORY, term_key(self.declared[term.parent_slug]))
        name = html.unescape(term.name or term.slug)[:80]
        description = content.plain_text(term.description)
        mapping, section_id = memory.find(Kind.CATEGORY, key)
        if section_id is not None:
            if mapping.checksum == digest and mapping.parent_id == (parent.pk if parent else None):
                return "unchanged", section_id
            section, outcome = Section.objects.get(pk=section_id), "updated"
        else:
            slug = unicode_slug(term.slug)[:80].strip("-") or unicode_slug(name)[:80].strip("-")
            if section_id := self._unclaimed_section_id(slug, name):
                memory.remember(Kind.CATEGORY, key, section_id, digest=digest, parent=parent)
                return "linked", section_id  # the newsroom already has this section
            section, outcome = self._new_section(slug or name), "created"
        section.set_current_language(LANGUAGE)
        section.name, section.description = name, description
        section.save()
        memory.remember(Kind.CATEGORY, key, section.pk, digest=digest, parent=parent)
        return outcome, section.pk

    @staticmethod
    def _new_section(slug: str) -> Section:
        """A section after all the others, out of the menu, under a slug no other section has."""
        position = (Section.objects.aggregate(last=Max("position"))["last"] or 0) + 1
        section = Section(position=position, in_navigation=False)
        section.set_current_language(LANGUAGE)
        section.slug = unique_slug(slug, SectionTranslation.objects.filter(language_code=LANGUAGE))[:80]
        return section

    @staticmethod
    def _unclaimed_section_id(slug: str, name: str) -> int | None:
        """A section the newsroom has under this slug or this name, that no other category became."""
        claimed = WordPressItem.objects.filter(kind=Kind.CATEGORY).values("object_id")
        candidates = SectionTranslation.objects.filter(language_code=LANGUAGE).exclude(master_id__in=claimed)
        if slug and (same_slug := candidates.filter(slug=slug).values_list("master_id", flat=True).first()):
            return same_slug
        wanted = name_key(name)
        names = candidates.values_list("master_id", "name")
        return next((section_id for section_id, other in names if name_key(other) == wanted), None)

    def section_id(self, item: wxr.Item) -> int:
        """The section of a post: its first category, WordPress's default one only if it has no other
        (a category the export does not declare is imported on the way)."""
        categories = [term for term in item.terms if term.taxonomy == "category"]
        chosen = next((term for term in categories if not is_default_category(term)), None)
        chosen = chosen or next(iter(categories), DEFAULT_CATEGORY)
        term = self.declared.get(chosen.slug) or wxr.Term(
            taxonomy="category", slug=chosen.slug, name=chosen.name
        )
        return self.context.imported_id(Kind.CATEGORY, term_key(term), lambda: self.save(term))
