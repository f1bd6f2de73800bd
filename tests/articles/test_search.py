from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import ngettext, override

from articles import search
from articles.models import Article, SearchEntry
from articles.search import highlight, search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("تراجع الإقتصاد في الربع الأول", "الاقتصاد"),
        ("ارتفاع أسعار الوقود", "اسعار"),
        ("إفتتاح مستشفى جديد", "مستشفي"),
        ("حملة لتطعيم الأطفال في المدرسة", "المدرسه"),
        ("جلسة طارئة للبرلمــــان", "البرلمان"),
        ("البَرْلَمَانُ يُقِرُّ المُوَازَنَةَ", "الموازنة"),
        ("البرلمان يقر الموازنة", "المُوازَنَـةُ"),
        ("ارتفاع الاسعار", "الأسعار"),
        ("افتتاح مستشفي جديد", "مستشفى"),
        ("نمو الاقتصاد", "الإقتصاد"),
        ("حملة لتطعيم الاطفال", "الأطفالِ"),
    ],
)
def test_a_query_finds_the_article_whatever_the_spelling_variant(stored, query):
    article = ArticleFactory(title=stored)
    ArticleFactory(title="مباراة كرة القدم")
    assert list(search_articles(query)) == [article]


def test_a_word_in_the_body_is_found_with_another_spelling():
    article = ArticleFactory(title="تقرير", body="<p>توقعات بنمو الإقتصاد العالمي.</p>")
    assert list(search_articles("الاقتصاد")) == [article]


@pytest.mark.parametrize(
    ("title", "typo"),
    [("جلسة البرلمان المقبلة", "البرلمات"), ("نتائج الانتخابات البلدية", "الانتخابت")],
)
def test_a_typo_in_a_title_word_still_finds_the_article(title, typo):
    article = ArticleFactory(title=title)
    ArticleFactory(title="مباراة كرة القدم")
    assert list(search_articles(typo)) == [article]


@pytest.mark.parametrize(("partial", "word"), [("اقتصا", "الاقتصاد"), ("برلم", "البرلمان")])
def test_the_beginning_of_a_word_finds_the_whole_word_even_in_the_body(partial, word):
    article = ArticleFactory(title="تقرير", body=f"<p>نقاش حول {word} اليوم.</p>")
    ArticleFactory(title="مباراة كرة القدم")
    assert list(search_articles(partial)) == [article]


def test_drafts_and_scheduled_articles_are_never_found():
    published = ArticleFactory(title="قمة المناخ")
    ArticleFactory(title="قمة المناخ", status=Article.Status.DRAFT)
    ArticleFactory(title="قمة المناخ", status=Article.Status.REVIEW)
    ArticleFactory(title="قمة المناخ", publish_at=timezone.now() + timedelta(hours=1))
    assert list(search_articles("المناخ")) == [published]
    assert list(search_articles("المناخات")) == [published]  # the typo route too


def test_a_title_match_ranks_above_a_single_mention_in_the_body_even_if_older():
    in_body = ArticleFactory(title="أخبار اليوم", body="<p>ذُكر المناخ مرة.</p>", publish_at=days_ago(0.1))
    in_title = ArticleFactory(title="قمة المناخ", publish_at=days_ago(2))
    results = list(search_articles("المناخ"))
    assert results == [in_title, in_body]
    assert isinstance(results[0].rank, float)
    assert results[0].rank > results[1].rank


def test_at_equal_relevance_the_newer_article_comes_first():
    old = ArticleFactory(title="قمة المناخ", publish_at=days_ago(40))
    new = ArticleFactory(title="قمة المناخ", publish_at=days_ago(1))
    middle = ArticleFactory(title="قمة المناخ", publish_at=days_ago(10))
    assert list(search_articles("قمة المناخ")) == [new, middle, old]


def test_a_recent_article_outranks_a_much_older_one_with_a_few_more_mentions():
    old = ArticleFactory(title="تقرير", body="<p>المناخ ثم المناخ.</p>", publish_at=days_ago(365))
    recent = ArticleFactory(title="تقرير", body="<p>المناخ.</p>", publish_at=days_ago(1))
    assert list(search_articles("المناخ")) == [recent, old]


def test_each_article_appears_once_and_only_in_the_language_searched():
    article = ArticleFactory(title="قمة المناخ")
    article.set_current_language("en")
    article.title = "Climate summit"
    article.save()
    assert list(search_articles("المناخ")) == [article]
    assert list(search_articles("climate", language="en")) == [article]
    assert list(search_articles("climate")) == []
    assert list(search_articles("المناخ", language="en")) == []


def test_a_word_after_a_minus_sign_excludes_articles_that_would_match_otherwise():
    wanted = ArticleFactory(title="جلسة البرلمان", body="<p>نقاش حول التعليم.</p>")
    ArticleFactory(title="جلسة البرلمان", body="<p>نقاش حول الموازنة.</p>")
    assert list(search_articles("البرلمان -الموازنة")) == [wanted]
    assert list(search_articles("البرلمات -الموازنة")) == [wanted]


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "؟!،.", "- : * ( )", "-المناخ"])
def test_a_blank_or_punctuation_only_query_finds_nothing(query):
    ArticleFactory(title="قمة المناخ")
    assert list(search_articles(query)) == []


@pytest.mark.parametrize("query", ["a & | ! :* ('", "'", "\\", "!!", "<->", "في", "و 1"])
def test_operators_and_words_found_nowhere_find_nothing(query):
    ArticleFactory(title="قمة المناخ")
    assert list(search_articles(query)) == []


@pytest.mark.parametrize(
    "query",
    ["المناخ & | ! :* ('", "المناخ:*", "(المناخ", "'المناخ' & !", '"المناخ', "!المناخ", "قمة & !المناخ"],
)
def test_text_search_operators_are_plain_punctuation_around_the_words_searched(query):
    article = ArticleFactory(title="قمة المناخ")
    assert list(search_articles(query)) == [article]


def test_results_come_from_two_queries_however_many_match_and_can_be_prepared_for_listing(
    django_assert_num_queries,
):
    articles = [ArticleFactory(title="قمة المناخ"), ArticleFactory(title="مؤتمر المناخ")]
    with django_assert_num_queries(2):  # which articles match, newest first; then them, ranked
        assert set(search_articles("المناخ")) == set(articles)
    assert set(search_articles("المناخ").for_listing()) == set(articles)


def test_only_the_newest_matches_are_ranked(monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    now = timezone.now()
    _older, *newest = [
        ArticleFactory(title="قمة المناخ", publish_at=now - timedelta(hours=h)) for h in (30, 20, 10)
    ]
    assert set(search_articles("المناخ")) == set(newest)


def test_matches_older_than_the_newest_entries_checked_first_are_found_through_the_indexes(monkeypatch):
    monkeypatch.setattr(search, "RECENT_ENTRIES", 2)
    older = ArticleFactory(title="قمة المناخ", publish_at=days_ago(3))
    misspelt = ArticleFactory(title="جلسة البرلمان", publish_at=days_ago(2))
    for _ in range(3):
        ArticleFactory(title="مباراة كرة القدم", publish_at=days_ago(1))
    assert list(search_articles("المناخ")) == [older]
    assert list(search_articles("الببرلمان")) == [misspelt]  # by the title's trigrams only


@pytest.mark.parametrize("walked_titles", [2, 10])  # the walk finds too few, or enough
def test_title_matches_further_down_are_found_by_walking_on_or_else_through_the_index(
    monkeypatch, walked_titles
):
    monkeypatch.setattr(search, "RANKED_MATCHES", 3)
    monkeypatch.setattr(search, "RECENT_ENTRIES", 2)
    monkeypatch.setattr(search, "WALKED_TITLES_FROM", 1)
    monkeypatch.setattr(search, "WALKED_TITLES", walked_titles)
    # «الببرلمان» is no text match of «البرلمان», only a trigram match of the title
    titled = [ArticleFactory(title="جلسة البرلمان", publish_at=days_ago(days)) for days in (1, 4, 6, 7)]
    for days in (2, 3, 5):
        ArticleFactory(title="مباراة كرة القدم", publish_at=days_ago(days))
    assert set(search_articles("الببرلمان")) == set(titled[:3])


def test_a_title_match_newer_than_enough_text_matches_is_among_the_newest_matches(monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    monkeypatch.setattr(search, "RECENT_ENTRIES", 1)
    # «الببرلمان» is no text match of «البرلمان», only a trigram match of the title
    newer_title = ArticleFactory(title="جلسة الببرلمان", publish_at=days_ago(1))
    in_text = [
        ArticleFactory(title="تقرير", body="<p>البرلمان</p>", publish_at=days_ago(days)) for days in (2, 3, 4)
    ]
    ArticleFactory(title="جلسة الببرلمان", publish_at=days_ago(5))
    ArticleFactory(title="مباراة كرة القدم")
    assert set(search_articles("البرلمان")) == {newer_title, in_text[0]}


# --- What search reads is kept up to date (articles.models.SearchEntry, by triggers) ----------
def test_an_article_is_found_only_while_it_is_published_and_its_time_has_come():
    article = ArticleFactory(title="قمة المناخ", status=Article.Status.DRAFT)
    assert list(search_articles("المناخ")) == []
    article.status = Article.Status.PUBLISHED
    article.publish_at = timezone.now() + timedelta(hours=1)
    article.save()
    assert list(search_articles("المناخ")) == []
    Article.objects.filter(pk=article.pk).update(publish_at=days_ago(1))  # as time passes
    assert list(search_articles("المناخ")) == [article]
    assert list(search_articles("المناخات")) == [article]
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert list(search_articles("المناخ")) == []


def test_a_retitled_or_rewritten_article_is_found_by_its_new_words_only():
    article = ArticleFactory(title="قمة المناخ", body="<p>نقاش حول التعليم.</p>")
    article.title = "جلسة البرلمان"
    article.body = "<p>نقاش حول الموازنة.</p>"
    article.save()
    for gone in ("المناخ", "المناخات", "التعليم"):
        assert list(search_articles(gone)) == []
    for found in ("البرلمان", "البرلمات", "الموازنة"):
        assert list(search_articles(found)) == [article]


def test_an_edition_added_or_deleted_later_is_found_or_no_longer_found():
    article = ArticleFactory(title="قمة المناخ")
    article.set_current_language("en")
    article.title = "Climate summit"
    article.save()
    assert list(search_articles("climate", language="en")) == [article]
    article.translations.get(language_code="en").delete()
    assert list(search_articles("climate", language="en")) == []
    assert list(search_articles("المناخ")) == [article]
    article.delete()
    assert list(search_articles("المناخ")) == []
    assert not SearchEntry.objects.exists()


def test_only_the_first_200_characters_of_a_query_count():
    article = ArticleFactory(title="قمة المناخ")
    assert list(search_articles("المناخ" + " " * 200 + "الموازنة")) == [article]


# --- highlight() ------------------------------------------------------------------------
def test_highlight_marks_the_word_as_written_even_when_the_query_is_spelled_differently():
    assert highlight("ارتفاعُ أسعارِ الوقود", "اسعار") == "ارتفاعُ <mark>أسعارِ</mark> الوقود"
    assert highlight("نمو الإقتصاد", "الاقتصاد") == "نمو <mark>الإقتصاد</mark>"
    assert highlight("مستشفى المدينة", "مستشفي") == "<mark>مستشفى</mark> المدينة"


def test_highlight_escapes_html_in_the_text():
    result = highlight('<script>alert("x")</script> الاقتصاد & <b>', "الاقتصاد")
    assert "<script>" not in result
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in result
    assert "<mark>الاقتصاد</mark> &amp; &lt;b&gt;" in result


def test_highlight_marks_words_with_attached_prefixes_and_longer_words():
    text = "الاقتصاد والاقتصاد بالاقتصاد للاقتصاد اقتصاد اقتصادية"
    expected = " ".join(f"<mark>{word}</mark>" for word in text.split())
    assert highlight(text, "الاقتصاد") == expected


def test_highlight_marks_a_short_word_without_the_article_the_query_gives_it():
    assert highlight("كلية طب الأسنان", "الطب") == "كلية <mark>طب</mark> الأسنان"


def test_highlight_does_not_mark_a_query_word_inside_another_word():
    assert highlight("الفكر الإسلامي والسلام", "سلام") == "الفكر الإسلامي <mark>والسلام</mark>"


def test_highlight_keeps_punctuation_outside_the_mark():
    assert highlight("«الاقتصاد»، ثم", "الاقتصاد") == "«<mark>الاقتصاد</mark>»، ثم"


def test_highlight_shows_a_window_around_the_first_match():
    words = [f"كلمة{number}" for number in range(100)]
    words[60] = "المناخ"
    result = highlight(" ".join(words), "المناخ", max_words=20)
    assert result.startswith("… ")
    assert result.endswith(" …")
    assert "<mark>المناخ</mark>" in result
    assert len(result.split()) == 20 + 2


def test_highlight_without_a_match_shows_the_beginning():
    text = " ".join(f"كلمة{number}" for number in range(50))
    assert highlight(text, "المناخ", max_words=3) == "كلمة0 كلمة1 كلمة2 …"
    assert highlight("نص قصير", "") == "نص قصير"


def search_summary(client, url: str) -> str:
    html = client.get(url).content.decode()
    return html.split('class="search-summary" role="status">', 1)[1].split("</p>", 1)[0]


def test_the_result_count_speaks_arabic_plural_forms(client):
    said = []
    for count in range(4):
        said.append(search_summary(client, "/search/?q=الزيتون"))
        ArticleFactory(title=f"موسم قطاف الزيتون رقم {count}")
    assert said == [
        "لا نتائج لـ «الزيتون»",
        "نتيجة واحدة لـ «الزيتون»",
        "نتيجتان لـ «الزيتون»",
        "3 نتائج لـ «الزيتون»",
    ]
    msgid, msgid_plural = "نتيجة واحدة لـ «%(query)s»", "%(shown)s نتيجة لـ «%(query)s»"
    with override("ar"):
        larger = [ngettext(msgid, msgid_plural, n) % {"shown": n, "query": "س"} for n in (11, 100, 103)]
    assert larger == ["11 نتيجة لـ «س»", "100 نتيجة لـ «س»", "103 نتائج لـ «س»"]


def test_the_english_result_count_has_singular_and_plural(client):
    for count in range(2):
        article = ArticleFactory(title=f"حصاد الزيتون {count}")
        article.set_current_language("en")
        article.title = f"Olive harvest {count}"
        article.save()
        assert (
            search_summary(client, "/en/search/?q=olive")
            == [
                "One result for “olive”",
                "2 results for “olive”",
            ][count]
        )
