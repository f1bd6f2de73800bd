import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from articles.search import highlight
from comments.moderation import contains_phrase
from newsroom.arabic import (
    ATTACHED_PREFIXES,
    MIN_STEM_LENGTH,
    normalize,
    stems,
    unicode_slug,
    without_article,
    words,
)

# The 36 base letters (hamza forms and alef maqsura included), the harakat and tanwin, tatweel.
LETTERS = [chr(code) for code in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)]]
HARAKAT = [chr(code) for code in range(0x064B, 0x0653)]
TATWEEL = "\u0640"
VARIANTS = {"ا": "اأإآ", "ي": "يى", "ه": "هة"}
PLAIN_LETTERS = [letter for letter in LETTERS if normalize(letter) == letter]

arabic_text = st.text(st.sampled_from([*LETTERS, *HARAKAT, TATWEEL, " ", "،", "؟", "\u200c"]))
plain_word = st.text(st.sampled_from(PLAIN_LETTERS), min_size=1, max_size=12)


@st.composite
def respelled(draw, word):
    """`word` with each alef, yaa and haa in one of its spellings, harakat and tatweel sprinkled."""
    decorations = st.text(st.sampled_from([*HARAKAT, TATWEEL]), max_size=3)
    return "".join(draw(st.sampled_from(VARIANTS.get(letter, letter))) + draw(decorations) for letter in word)


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("الإقتصاد", "الاقتصاد"),
        ("أمن غذائي", "امن غذايي"),
        ("آفاق", "افاق"),
        ("مستشفى", "مستشفي"),
        ("المدرسة", "المدرسه"),
        ("الطاقـــة", "الطاقه"),
        ("مُؤْتَمَرٌ", "موتمر"),
        ("سو\u200bق", "سوق"),
        ("  OpenGrid   Energy ", "opengrid energy"),
        ("٢٠٢٦", "2026"),
    ],
)
def test_spelling_variants_fold_to_the_same_text(variant, plain):
    assert normalize(variant) == normalize(plain)


def test_normalize_keeps_distinct_words_distinct():
    assert normalize("سلام") != normalize("اسلام")


def test_unicode_slug_keeps_arabic_letters_and_drops_marks():
    assert unicode_slug("مُؤْتَمَرُ الطاقـة 2026!") == "مؤتمر-الطاقة-2026"


@given(st.one_of(arabic_text, st.text()))
def test_normalizing_twice_changes_nothing(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.data(), plain_word)
def test_every_spelling_of_a_word_folds_to_the_same_text(data, word):
    assert normalize(data.draw(respelled(word))) == normalize(word) == word


def base_letters(text):
    return sum(unicodedata.category(char).startswith("L") for char in text.replace(TATWEEL, ""))


@given(arabic_text)
def test_normalizing_never_loses_a_letter(text):
    assert base_letters(normalize(text)) == base_letters(text)


@given(st.lists(st.tuples(plain_word, st.sampled_from([" ", "، ", "؟ ", "\n", " - ", "«"])), max_size=8))
def test_tokenising_keeps_every_word_and_only_the_words(pieces):
    text = "".join(word + separator for word, separator in pieces)
    assert words(text) == [word for word, _separator in pieces]
    assert words(" ".join(words(text))) == words(text)


@given(plain_word)
def test_taking_prefixes_off_never_leaves_less_than_a_stem(word):
    assert word in stems(word)
    assert all(word.endswith(stem) and len(stem) >= min(len(word), MIN_STEM_LENGTH) for stem in stems(word))
    assert len(without_article(word)) >= min(len(word), MIN_STEM_LENGTH)


@pytest.mark.parametrize(
    ("written", "stem"),
    [("والاقتصاد", "اقتصاد"), ("بالسب", "سب"), ("للطب", "طب"), ("فكتب", "كتب"), ("الي", None), ("بر", None)],
)
def test_attached_prefixes_come_off_down_to_two_letters(written, stem):
    assert (stem in stems(written)) if stem else stems(written) == {written}


@given(st.sampled_from(sorted(ATTACHED_PREFIXES)), st.data(), plain_word.filter(lambda word: len(word) >= 2))
def test_search_highlighting_and_moderation_find_the_same_word_behind_its_prefixes(prefix, data, word):
    assume(
        not any(normalize(other).startswith(normalize(word)) for other in ("قال", "هنا"))
    )  # a prefix of theirs
    written = data.draw(respelled(prefix + word))
    assert contains_phrase(f"قال {written} هنا", [word]) == word
    assert highlight(f"قال {written} هنا", word) == f"قال <mark>{written}</mark> هنا"
