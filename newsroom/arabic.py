"""The one place Midad folds Arabic spelling variants.

Search, tag de-duplication and comment word rules all compare text through
`normalize()`, so that hamza/alef forms, alef maqsura, taa marbuta, diacritics, tatweel,
zero-width characters and letter case never make two spellings of a word differ.
"""

import re
import unicodedata

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


def normalize(text: str) -> str:
    """Fold spelling variants so that equal words compare equal (lower case, single spaces)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = INVISIBLE.sub("", text)
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    text = text.translate(LETTER_FOLDS).casefold()
    return SPACES.sub(" ", text).strip()


def unicode_slug(text: str) -> str:
    """A URL slug that keeps Arabic letters (without diacritics, tatweel or invisible marks)."""
    text = INVISIBLE.sub("", text or "")
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    return slugify(text, allow_unicode=True)
