"""Reader search: Arabic full text with typo and prefix tolerance, ranked by relevance and recency.

Stored text (`ArticleTranslation.search_title` and `.search_document`) and queries both go
through `newsroom.arabic.normalize`, so spelling variants of a word compare equal. Search
reads each translation's `SearchEntry`, a narrow copy kept by triggers: the normalised title,
the `arabic` text-search vector of the document, and the article's status and publication
time. A translation matches when any of these holds, each answered by a GIN index:

- the query as a web-search expression ("quoted phrase", or, -word) on the vector;
- the same words with the last one as a prefix, so a reader still typing "اقتصا" finds
  "الاقتصاد" (stemmed and unstemmed, since the stemmer mangles some partial words);
- the trigram word similarity (`<%`) of the query to the title, for typos. Its threshold is
  PostgreSQL's `pg_trgm.word_similarity_threshold`, set to 0.5 for every connection in
  settings.DATABASES: only the operator, not a `word_similarity(...) > x` comparison, can
  use the trigram index.

Words after a minus sign exclude an article whichever way it matched.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Extract, Now
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, SearchEntry, public
from newsroom.arabic import MIN_STEM_LENGTH, WRITTEN_WORD, normalize, stems, without_article, words

MAX_QUERY_LENGTH = 200
TITLE_SIMILARITY_WEIGHT = 0.5  # added to the text rank, times the title's trigram similarity
RECENCY_DAYS = 30  # an article this many days old ranks half as high as a new one
# Ranking costs time per match, and a common word matches tens of thousands of articles in
# a large archive: only this many of the newest matches are ranked (and shown). With the
# recency weighting, an older match would rank below them anyway unless far more relevant.
RANKED_MATCHES = 200
# How _newest_matches() looks for them (issue 13). It checks this many newest entries first,
# at ~12 µs each: more costs every query more, fewer costs more to those that go on.
RECENT_ENTRIES = 1_000
# If at least one in 40 of them matched by its title only, the titles are checked further
# down the newest entries (~8 µs each; some 8,000 expected at worst), up to this many.
WALKED_TITLES_FROM = RECENT_ENTRIES // 40
WALKED_TITLES = 10_000

NEWEST_MATCHES = """
    WITH recent AS MATERIALIZED (
        SELECT translation_id, article_id, publish_at FROM ({recent}) AS entry WHERE matches LIMIT {limit}
    ),
    text_matches AS MATERIALIZED ({text_matches}),
    walked_title_matches AS MATERIALIZED (
        SELECT translation_id, article_id, publish_at FROM ({walked_titles}) AS entry WHERE matches LIMIT {limit}
    ),
    title_matches AS ({title_matches})
    SELECT * FROM recent
    UNION SELECT * FROM text_matches
    UNION SELECT * FROM walked_title_matches
    UNION SELECT * FROM title_matches
    ORDER BY publish_at DESC, article_id DESC LIMIT {limit}
"""


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
    unwanted = " | ".join(f"'{word}'" for word in excluded)

    newest = _newest_matches(language, wanted, terms, unwanted)
    relevance = SearchEntry.objects.filter(article=OuterRef("pk"), language_code=language).values(
        relevance=SearchRank(F("vector"), wanted, cover_density=True)
        + TITLE_SIMILARITY_WEIGHT * TrigramWordSimilarity(terms, "title")
    )
    age_in_days = Cast(Extract(Now() - F("publish_at"), "epoch"), FloatField()) / 86400
    return (
        Article.objects.filter(pk__in=newest)  # matched once; counting and paging reuse the ids
        .annotate(rank=Subquery(relevance, output_field=FloatField()) / (1 + age_in_days / RECENCY_DAYS))
        .order_by("-rank", "-publish_at", "-pk")
    )


def _newest_matches(language: str, wanted: SearchQuery, terms: str, unwanted: str) -> list[int]:
    """The ids of the RANKED_MATCHES newest public articles whose entry in `language` matches
    `wanted` (the text) or `terms` (the title, by trigrams), and not `unwanted`, in one statement.

    The fast way depends on how many entries match, which PostgreSQL's estimates cannot tell
    well enough, nor what checking an entry costs (reading its stemmed vector, computing a
    trigram similarity): walking the newest entries until enough match when most do, the
    GIN indexes when few do. So it walks the RECENT_ENTRIES newest; only if too few of those
    match does it go on, to every text match (exact, from the index) and to the titles that
    could still be among the newest matches, those newer than the RANKED_MATCHES-th text
    match: walking on if some of the recent entries matched by their title only, through the
    trigram index (whose candidates are each checked) if few did or the walk found too few."""
    entries = SearchEntry.objects.filter(public(), language_code=language)
    if unwanted:
        entries = entries.filter(vector=~SearchQuery(unwanted, config="arabic", search_type="raw"))
    too_few_recent = _fewer_than("recent", RANKED_MATCHES)
    newest_text_matches_reach = RawSQL(
        "COALESCE((SELECT publish_at FROM text_matches"
        " ORDER BY publish_at DESC OFFSET %s LIMIT 1), '-infinity')",
        [RANKED_MATCHES - 1],
        output_field=DateTimeField(),
    )
    titles_often_matched_recently = RawSQL(
        "(SELECT count(*) FROM recent"
        " WHERE translation_id NOT IN (SELECT translation_id FROM text_matches)) >= %s",
        [WALKED_TITLES_FROM],
        output_field=BooleanField(),
    )
    title_match = Q(title__trigram_word_similar=terms)
    fields = ("translation_id", "article_id", "publish_at")

    def newest(entries: QuerySet[SearchEntry], matches: Q, count: int) -> QuerySet[SearchEntry]:
        matching = entries.annotate(matches=ExpressionWrapper(matches, BooleanField()))
        return matching.order_by("-publish_at", "-article_id").values(*fields, "matches")[:count]

    parts = {
        "recent": newest(entries, Q(vector=wanted) | title_match, RECENT_ENTRIES),
        "text_matches": entries.filter(too_few_recent, vector=wanted).values(*fields),
        "walked_titles": newest(
            entries.filter(
                too_few_recent, titles_often_matched_recently, publish_at__gte=newest_text_matches_reach
            ),
            title_match,
            WALKED_TITLES,
        ),
        "title_matches": entries.filter(
            too_few_recent,
            _fewer_than("walked_title_matches", RANKED_MATCHES),
            title_match,
            publish_at__gte=newest_text_matches_reach,
        ).values(*fields),
    }
    sql, params = {}, []
    for name, part in parts.items():
        sql[name], part_params = part.query.sql_with_params()
        params += part_params
    statement = NEWEST_MATCHES.format(limit=RANKED_MATCHES, **sql)
    return [entry.article_id for entry in SearchEntry.objects.raw(statement, params)]


def _fewer_than(part: str, count: int) -> RawSQL:
    """Whether the part of NEWEST_MATCHES named `part` holds fewer than `count` rows: a part
    filtered by it is skipped by PostgreSQL if it does not hold."""
    return RawSQL(f"(SELECT count(*) FROM {part}) < %s", [count], output_field=BooleanField())


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
