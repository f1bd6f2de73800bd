"""The reader's comment form: every rule, with the exact message the reader reads."""

import pytest
import time_machine
from django.utils import timezone, translation

from comments.forms import CommentForm
from comments.moderation import MIN_FILL_SECONDS
from newsroom import formstamp

pytestmark = pytest.mark.django_db  # a used stamp is remembered in the cache, a table in tests
EXPIRED_MESSAGE = "انتهت صلاحية النموذج أو تعذّر التحقق منه؛ راجع تعليقك ثم أرسله مرة أخرى."


@pytest.fixture
def clock():
    """A stopped clock: the form is rendered at its start and sent a minute later."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def rendered_at() -> str:
    return formstamp.issue()


def submit(clock, after=60, **fields) -> CommentForm:
    data = {
        "name": "ليلى",
        "email": "layla@example.com",
        "text": "تحليل مفيد، شكراً.",
        "rendered_at": rendered_at(),
    }
    clock.shift(after)
    form = CommentForm(data=data | fields)
    form.is_valid()
    return form


def test_a_complete_form_is_valid_and_knows_how_long_the_reader_had_it(clock):
    form = submit(clock, website="example.com", remember="on")
    assert form.is_valid(), form.errors
    assert 60 <= form.fill_seconds < 61  # the stamp keeps whole seconds
    assert form.cleaned_data["website"] == "https://example.com"  # the scheme is added for the reader
    assert form.cleaned_data["remember"] is True


@pytest.mark.parametrize("blank", ["", "   \n\t "])
@pytest.mark.parametrize(
    ("field", "message"),
    [("name", "اكتب اسمك."), ("email", "اكتب بريدك الإلكتروني."), ("text", "اكتب تعليقك.")],
)
def test_empty_or_blank_required_fields_ask_for_them_in_arabic(clock, field, message, blank):
    assert submit(clock, **{field: blank}).errors[field] == [message]


@pytest.mark.parametrize("email", ["layla", "layla@", "layla at example.com", "@example.com"])
def test_a_malformed_email_shows_an_example_of_a_correct_one(clock, email):
    assert submit(clock, email=email).errors["email"] == ["اكتب بريداً إلكترونياً صحيحاً، مثل name@example.com."]


def test_an_over_long_comment_says_the_limit_and_how_long_it_is(clock):
    assert submit(clock, text="ب" * 3001).errors["text"] == ["التعليق أطول من 3000 حرف (كتبت 3001)."]
    assert submit(clock, text="ب" * 3000).is_valid()


def test_an_over_long_name_says_the_limit(clock):
    assert submit(clock, name="س" * 81).errors["name"] == ["الاسم أطول من 80 حرفاً."]


@pytest.mark.parametrize("text", ["!!! ؟؟ ...", "،،، ؛؛ …", "*** --- ###", "ـــــــــ", "\u064e\u064f\u0650"])
def test_a_comment_without_any_words_is_refused(clock, text):
    """Punctuation, symbols, a drawn line of tatweel or bare diacritics are not a comment."""
    assert submit(clock, text=text).errors["text"] == ["التعليق لا يحتوي على كلمات؛ اكتب نصاً مفهوماً."]


@pytest.mark.parametrize("name", ["...", "؟!", "ـــ"])
def test_a_name_without_letters_is_refused(clock, name):
    assert submit(clock, name=name).errors["name"] == ["اكتب اسماً يحتوي على حروف."]


def test_numbers_and_latin_words_count_as_words(clock):
    assert submit(clock, name="R2", text="٢٠٢٦ OK").is_valid()


def test_the_website_is_optional_but_must_be_a_link_when_given(clock):
    assert submit(clock, website="").is_valid()
    assert submit(clock, website="not a link").errors["website"] == [
        "اكتب رابطاً صحيحاً، مثل https://example.com."
    ]


def test_a_filled_honeypot_is_valid_for_the_form_and_left_to_the_moderation_policy(clock):
    form = submit(clock, homepage="http://spam.example")
    assert form.is_valid()
    assert form.cleaned_data["homepage"] == "http://spam.example"


@pytest.mark.parametrize(
    "tampered",
    [
        pytest.param(lambda value: value[:-3] + "abc", id="forged-signature"),
        pytest.param(lambda value: "", id="field-removed"),
        pytest.param(lambda value: "1700000000", id="unsigned-timestamp"),
        pytest.param(lambda value: formstamp.signer.sign("soon:abc"), id="signed-non-number"),
    ],
)
def test_a_tampered_stamp_is_refused_and_the_form_comes_back_with_a_fresh_one(clock, tampered):
    sent = tampered(rendered_at())
    form = submit(clock, rendered_at=sent)
    assert form.non_field_errors() == [EXPIRED_MESSAGE]
    assert form["rendered_at"].value() != sent
    assert form["name"].value() == "ليلى"  # what the reader wrote is kept
    resent = CommentForm(data=form.data)  # sent again at once: the reader has written already
    assert resent.is_valid(), resent.errors
    assert resent.fill_seconds >= MIN_FILL_SECONDS  # not taken for a bot


def test_a_form_left_open_for_hours_has_expired(clock):
    assert submit(clock, after=formstamp.MAX_AGE_SECONDS - 5).is_valid()
    form = submit(clock, after=formstamp.MAX_AGE_SECONDS + 5)
    assert form.non_field_errors() == [EXPIRED_MESSAGE]
    resent = CommentForm(data=form.data)
    assert resent.is_valid(), resent.errors
    assert resent.fill_seconds >= MIN_FILL_SECONDS


def test_a_stamp_is_good_for_one_post(clock):
    sent = {"name": "ليلى", "email": "layla@example.com", "text": "تحليل مفيد.", "rendered_at": rendered_at()}
    clock.shift(60)
    assert CommentForm(data=sent).is_valid()
    replayed = CommentForm(data=sent | {"text": "إعلان"})  # a bot reusing the stamp it once got
    assert replayed.non_field_errors() == [EXPIRED_MESSAGE]


def test_while_redis_is_down_a_stamp_is_accepted_again_rather_than_refusing_everyone(clock, dead_redis):
    sent = {"name": "ليلى", "email": "layla@example.com", "text": "تحليل مفيد.", "rendered_at": rendered_at()}
    clock.shift(60)
    assert CommentForm(data=sent).is_valid()
    assert CommentForm(data=sent).is_valid()


def test_english_readers_get_english_messages(clock):
    with translation.override("en"):
        form = submit(clock, name="", email="nope", text="!!!", website="not a link")
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        assert errors == {
            "name": ["Write your name."],
            "email": ["Enter a valid email address, such as name@example.com."],
            "text": ["The comment has no words in it; write something readable."],
            "website": ["Enter a valid link, such as https://example.com."],
        }
        assert submit(clock, text="a" * 3001).errors["text"] == [
            "The comment is longer than 3000 characters (you wrote 3001)."
        ]
        assert submit(clock, rendered_at="forged").non_field_errors() == [
            "The form has expired or could not be verified; check your comment and send it again."
        ]
        labels = {
            name: str(CommentForm()[name].label) for name in ["name", "email", "website", "text", "remember"]
        }
        assert labels == {
            "name": "Name",
            "email": "Email",
            "website": "Website",
            "text": "Comment",  # not "Caption", the image field's translation of the same Arabic word
            "remember": "Save my name and email in this browser for the next time I comment.",
        }
