"""Reader search: Arabic full text with typo and prefix tolerance, ranked by relevance and recency.

Stored text (`ArticleTranslation.search_title`, `.search_document` and the latter's stored
vector `.search_vector`) and queries both go through `newsroom.arabic.normalize`, so spelling
variants of a word compare equal. A row matches when any of these holds, each answered by a
GIN index on the translation table:

- the query as a web-search expression ("quoted phrase", or, -word) on the `arabic`
  text-search vector of `search_document`;
- the same words with the last one as a prefix, so a reader still typing "اقتصا" finds
  "الاقتصاد" (stemmed and unstemmed, since the stemmer mangles some partial words);
- the trigram word similarity (`<%`) of the query to the title, for typos. Its threshold is
  PostgreSQL's `pg_trgm.word_similarity_threshold`, set to 0.5 for every connection in
  settings.DATABASES: only the operator, not a `word_similarity(...) > x` comparison, can
  use the trigram index.

Words after a minus sign exclude an article whichever way it matched.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Extract, Now
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, ArticleTranslation
from newsroom.arabic import MIN_STEM_LENGTH, WRITTEN_WORD, normalize, stems, without_article, words

MAX_QUERY_LENGTH = 200
TITLE_SIMILARITY_WEIGHT = 0.5  # added to the text rank, times the title's trigram similarity
RECENCY_DAYS = 30  # an article this many days old ranks half as high as a new one
# Ranking costs time per match, and a common word matches tens of thousands of articles in
# a large archive: only this many of the newest matches are ranked (and shown). With the
# recency weighting, an older match would rank below them anyway unless far more relevant.
# Finding them costs time per article checked, newest first, until this many match: with
# 1,000, a one-word search took 800 ms at p95 in a 100,000-article archive (issue 13).
RANKED_MATCHES = 200


def clean_query(raw: str) -> str:
    """The reader's query as searched and shown: trimmed, and without NUL characters, which
    PostgreSQL text cannot hold (a "%00" in the address)."""
    return raw.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def search_articles(query: str, language: str = "ar") -> QuerySet[Article]:
    """Published articles matching `query`, best first; empty queryset for a blank query."""
    text = normalize(query[:MAX_QUERY_LENGTH])
    included, excluded = [], []
    for token in text.split():
        (excluded if token.startswith("-") else included).extend(words(token))
    if not included:
        return Article.objects.none()

    *leading, last = included
    prefix = SearchQuery(f"'{last}':*", config="arabic", search_type="raw") | SearchQuery(
        f"'{last}':*", config="simple", search_type="raw"
    )
    if leading:
        prefix = SearchQuery(" ".join(leading), config="arabic") & prefix
    wanted = SearchQuery(text, config="arabic", search_type="websearch") | prefix
    terms = " ".join(included)

    translations = ArticleTranslation.objects.filter(language_code=language)
    matching = translations.filter(Q(search_vector=wanted) | Q(search_title__trigram_word_similar=terms))
    if excluded:
        unwanted = " | ".join(f"'{word}'" for word in excluded)
        matching = matching.filter(search_vector=~SearchQuery(unwanted, config="arabic", search_type="raw"))
    age_in_days = Cast(Extract(Now() - F("publish_at"), "epoch"), FloatField()) / 86400
    # Ordered by age, an expression, not by the publish_at index: walking that index until
    # enough matches turn up is what PostgreSQL would choose, and takes seconds when few match.
    # Published in any language: `matching` already holds the searched language's
    # translations only, and checking again costs one more lookup per article.
    newest = (
        Article.objects.published(any_language=True)
        .filter(pk__in=matching.values("master_id"))
        .order_by(age_in_days, "-pk")
        .values_list("pk", flat=True)[:RANKED_MATCHES]
    )
    relevance = translations.filter(master=OuterRef("pk")).values(
        relevance=SearchRank(F("search_vector"), wanted, cover_density=True)
        + TITLE_SIMILARITY_WEIGHT * TrigramWordSimilarity(terms, "search_title")
    )
    return (
        Article.objects.filter(pk__in=list(newest))  # matched once; counting and paging reuse it
        .annotate(rank=Subquery(relevance, output_field=FloatField()) / (1 + age_in_days / RECENCY_DAYS))
        .order_by("-rank", "-publish_at", "-pk")
    )


def highlight(text: str, query: str, max_words: int = 40) -> SafeString:
    """`text` HTML-escaped, cut to about `max_words` words around the first match, matches in <mark>.

    A word matches when, compared through `normalize`, it starts with a query word, also
    after removing its attached prefixes (و ف, ب ك ل, ال/لل; see `newsroom.arabic.stems`)
    and the query word's own "ال": "الاقتصاد" marks "والاقتصاد", "للاقتصاد" and "اقتصادية",
    but "سلام" does not mark "إسلامي". Query words shorter than two letters are ignored.
    """
    query_stems = {
        stem
        for term in words(query)
        if len(term) >= MIN_STEM_LENGTH
        for stem in (term, without_article(term))
    }

    chunks, matched = [], []
    for position, chunk in enumerate(text.split()):
        pieces = WRITTEN_WORD.split(chunk)  # words at odd indexes, what separates them at even ones
        marks = [index % 2 == 1 and _matches(piece, query_stems) for index, piece in enumerate(pieces)]
        chunks.append(
            "".join(
                f"<mark>{escape(piece)}</mark>" if mark else escape(piece)
                for piece, mark in zip(pieces, marks, strict=True)
            )
        )
        if any(marks):
            matched.append(position)

    first_match = matched[0] if matched else 0
    start = max(0, min(first_match - max_words // 4, len(chunks) - max_words))
    end = start + max_words
    snippet = " ".join(chunks[start:end])
    return mark_safe(("… " if start else "") + snippet + (" …" if end < len(chunks) else ""))


def _matches(word: str, query_stems: set[str]) -> bool:
    """Whether `word`, with or without its attached prefixes, starts with one of `query_stems`."""
    return any(stem.startswith(query_stem) for stem in stems(normalize(word)) for query_stem in query_stems)
