"""The one home of Midad's Arabic word rules.

Search, highlighting, tag de-duplication, comment moderation, avatars and the WordPress
importer all compare text through `normalize()`, so that hamza/alef forms, alef maqsura, taa
marbuta, diacritics, tatweel, zero-width characters and letter case never make two spellings
of a word differ; they cut it into words with `words()` and take attached prefixes off with
`stems()` or `without_article()`, so that they never disagree on what a word is.
"""

import re
import unicodedata
from itertools import product

from django.utils.text import slugify

# Harakat, tanwin, shadda, sukun, dagger alef and Quranic marks.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
TATWEEL = "\u0640"
# Zero-width and bidi control characters, used to split words invisibly.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
LETTER_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "ی": "ي",
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
    }
)
SPACES = re.compile(r"\s+")
WORD = re.compile(r"[^\W_]+")  # letters and digits
# A word as written, with its diacritics, tatweel and invisible joiners (split() keeps it).
WRITTEN_WORD = re.compile(rf"((?:[^\W_]|{DIACRITICS.pattern}|{INVISIBLE.pattern})+)")
ARTICLE = "ال"
# Letters written attached to a word: a conjunction (و ف), then a preposition (ب ك ل), then
# the article (ال, which after ل is written لل), each optional: "وبالاقتصاد".
ATTACHED_PREFIXES = frozenset(
    (conjunction + preposition + article).replace("لال", "لل")
    for conjunction, preposition, article in product(("", "و", "ف"), ("", "ب", "ك", "ل"), ("", ARTICLE))
) - {""}
# Taking a prefix off never leaves fewer letters than this: "الي" and "بر" stay whole.
MIN_STEM_LENGTH = 2


def normalize(text: str) -> str:
    """Fold spelling variants so that equal words compare equal (lower case, single spaces)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = INVISIBLE.sub("", text)
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    text = text.translate(LETTER_FOLDS).casefold()
    return SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The normalised words of `text`: runs of letters and digits, punctuation dropped."""
    return WORD.findall(normalize(text))


def stems(word: str) -> set[str]:
    """A normalised word and what is left of it once any attached prefixes are taken off."""
    return {word} | {
        word[len(prefix) :]
        for prefix in ATTACHED_PREFIXES
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM_LENGTH
    }


def without_article(word: str) -> str:
    """`word` without a leading "ال", unless that would leave it too short: «الرياضة» → «رياضة»."""
    stem = word.removeprefix(ARTICLE)
    return stem if len(stem) >= MIN_STEM_LENGTH else word


def initials(name: str) -> str:
    """What an avatar shows for `name`: the first letters of its first two words, without
    "ال" («ليلى العلي» → «لع»); «؟» for a name without letters."""
    firsts = [without_article(word) for word in name.split()]
    return "".join(word[0] for word in firsts[:2] if word).upper() or "؟"


def unicode_slug(text: str) -> str:
    """A URL slug that keeps Arabic letters (without diacritics, tatweel or invisible marks)."""
    text = INVISIBLE.sub("", text or "")
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    return slugify(text, allow_unicode=True)
