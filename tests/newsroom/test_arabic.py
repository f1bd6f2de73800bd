import pytest

from newsroom.arabic import normalize, unicode_slug


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
