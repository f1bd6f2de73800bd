"""The moderation policy: the one place that says what is dropped, refused, held or published.

Like django-contrib-comments' CommentModerator, `ModerationPolicy` is a declarative list of
small named rules, asked in order. Each rule looks at one `Submission` and answers with a
`Verdict`, or None when it has nothing to say. The moderation console shows the same facts
per comment in SQL (console.py); `link_count` and `approved_before` are their definitions.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import BlockedCommenter, Comment, ModerationSettings
from comments.ratelimit import over_limit
from newsroom.arabic import normalize, stems, words

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MIN_FILL_SECONDS = 3  # a person needs longer than this to write a comment
FLOOD_SECONDS = 15
RATE_LIMIT = 5  # comments per email and per IP…
RATE_WINDOW_SECONDS = 10 * 60  # …in this window


def contains_phrase(text: str, phrases: list[str]) -> str | None:
    """The first listed word or phrase found in `text` as whole words, spelling tricks folded.
    Prefixes come off the reader's words only: a listed word is matched as written, so that
    listing "كلب" does not catch "لب" (its "ك" is no prefix)."""
    tokens = [stems(token) for token in words(text)]
    for phrase in phrases:
        listed = words(phrase)
        if not listed:
            continue
        for start in range(len(tokens) - len(listed) + 1):
            if all(listed[i] in tokens[start + i] for i in range(len(listed))):
                return phrase
    return None


def link_count(text: str, website: str) -> int:
    """The links of a comment: those in its text, and its website."""
    return len(LINK.findall(text)) + bool(website)


def approved_before(email, moment):
    """A known commenter's approved comments written before `moment`. `email` and `moment`
    may be OuterRefs: the console asks the same question of every row."""
    return Comment.objects.approved().filter(email__iexact=email, created_at__lt=moment)


@dataclass(frozen=True)
class Submission:
    """A reader's comment as the rules see it, before it is stored. `email` is normalized."""

    article: object
    email: str
    ip_hash: str
    text: str
    website: str = ""
    staff: bool = False
    honeypot: str = ""  # the field only bots see, as sent
    fill_seconds: float | None = None  # how long the form was open, when the form knows


@dataclass(frozen=True)
class Verdict:
    status: str  # a Comment.Status, REFUSED or DISCARDED
    reason: str = ""  # for moderators: why it was held or refused
    message: str = ""  # refused: what the reader reads
    http_status: int = 403
    flagged: bool = False  # held by flags (something in this comment), not by the mode

    REFUSED = "refused"
    DISCARDED = "discarded"  # dropped without a word: the bot is told it worked


def refuse(message: str, http_status: int = 403, reason: str = "") -> Verdict:
    return Verdict(Verdict.REFUSED, reason, message, http_status)


def hold(reason: str) -> Verdict:
    return Verdict(Comment.Status.PENDING, reason)


def refuse_neutrally(reason: str) -> Verdict:
    """The reader is not told which list caught them."""
    return refuse(_("تعذّر نشر تعليقك."), reason=reason)


Rule = Callable[[Submission, ModerationSettings], Verdict | None]


# --- Rules that decide at once ----------------------------------------------------------------
def filled_honeypot(comment, settings):
    if comment.honeypot:
        return Verdict(Verdict.DISCARDED, "honeypot")


def filled_too_fast(comment, settings):
    if comment.fill_seconds is not None and comment.fill_seconds < MIN_FILL_SECONDS:
        return Verdict(Verdict.DISCARDED, "too fast")


def comments_closed(comment, settings):
    if not comments_open(comment.article, settings):
        return refuse(_("التعليقات مغلقة على هذا المقال."))


def repeated_text(comment, settings):
    earlier = Comment.objects.filter(article=comment.article, email__iexact=comment.email)
    same_text = normalize(comment.text)
    if any(normalize(previous) == same_text for previous in earlier.values_list("text", flat=True)):
        return refuse(_("سبق أن أرسلت هذا التعليق نفسه على هذا المقال."), 400)


def counted_over(comment, kind: str, *, limit: int, seconds: int) -> bool:
    """Count this attempt by email and by IP (both, always); True if either is over `limit`."""
    email_key = hashlib.sha256(comment.email.encode()).hexdigest()[:16]  # no address in the shared cache
    by_email = over_limit(f"{kind}:email:{email_key}", limit=limit, seconds=seconds)
    by_ip = over_limit(f"{kind}:ip:{comment.ip_hash}", limit=limit, seconds=seconds)
    return by_email or by_ip


def flooding(comment, settings):
    if counted_over(comment, "flood", limit=1, seconds=FLOOD_SECONDS):
        return refuse(_("تمهّل قليلاً: انتظر بضع ثوانٍ قبل إرسال تعليق آخر."), 429)


def too_many_comments(comment, settings):
    if counted_over(comment, "rate", limit=RATE_LIMIT, seconds=RATE_WINDOW_SECONDS):
        return refuse(_("أرسلت تعليقات كثيرة في وقت قصير؛ حاول مجدداً بعد دقائق."), 429)


def staff_author(comment, settings):
    if comment.staff:
        return Verdict(Comment.Status.APPROVED)


def blocks(comment) -> set[str]:
    by_email = BlockedCommenter.objects.filter(email__iexact=comment.email)
    by_ip = BlockedCommenter.objects.filter(ip_hash=comment.ip_hash)
    return set(by_email.values_list("kind", flat=True)) | set(by_ip.values_list("kind", flat=True))


def banned_commenter(comment, settings):
    if BlockedCommenter.Kind.BANNED in blocks(comment):
        return refuse_neutrally(_("معلّق محظور"))


def banned_word(comment, settings):
    if word := contains_phrase(comment.text, settings.banned_word_list):
        return refuse_neutrally(_("كلمة محظورة: %(word)s") % {"word": word})


# --- Flags: each holds the comment, and their reasons add up ----------------------------------
def watched_commenter(comment, settings):
    if BlockedCommenter.Kind.ALWAYS_HOLD in blocks(comment):
        return hold(_("معلّق تحت المراقبة"))


def too_many_links(comment, settings):
    if (links := link_count(comment.text, comment.website)) > settings.max_links:
        return hold(_("روابط كثيرة (%(count)d)") % {"count": links})


def hold_word(comment, settings):
    if word := contains_phrase(comment.text, settings.hold_word_list):
        return hold(_("كلمة تستدعي المراجعة: %(word)s") % {"word": word})


# --- Modes: asked when no flag held the comment -------------------------------------------------
def hold_all(comment, settings):
    if settings.mode == ModerationSettings.Mode.HOLD_ALL:
        return hold(_("كل التعليقات تُراجع"))


def new_commenter(comment, settings):
    if (
        settings.mode == ModerationSettings.Mode.TRUST_KNOWN
        and not approved_before(comment.email, timezone.now()).exists()
    ):
        return hold(_("معلّق جديد"))


def comments_open(article, settings: ModerationSettings) -> bool:
    if not article.comments_open:
        return False
    days = settings.close_after_days
    return (
        not days or article.publish_at is None or article.publish_at > timezone.now() - timedelta(days=days)
    )


class ModerationPolicy:
    # Asked in order; the first that answers decides: dropped, refused, or published at once.
    deciding: tuple[Rule, ...] = (
        filled_honeypot, filled_too_fast, comments_closed, repeated_text, flooding, too_many_comments,
        staff_author, banned_commenter, banned_word,
    )  # fmt: skip
    # Each that answers holds the comment; the comment keeps all their reasons.
    flags: tuple[Rule, ...] = (watched_commenter, too_many_links, hold_word)
    # The moderators' mode, when no flag held the comment; what no rule holds is published.
    modes: tuple[Rule, ...] = (hold_all, new_commenter)

    def __init__(self, settings: ModerationSettings | None = None):
        self.settings = settings or ModerationSettings.load()

    def comments_open(self, article) -> bool:
        return comments_open(article, self.settings)

    def verdict(self, comment: Submission) -> Verdict:
        for rule in self.deciding:
            if verdict := rule(comment, self.settings):
                return verdict
        if reasons := [verdict.reason for rule in self.flags if (verdict := rule(comment, self.settings))]:
            return Verdict(Comment.Status.PENDING, "، ".join(reasons), flagged=True)
        for rule in self.modes:
            if verdict := rule(comment, self.settings):
                return verdict
        return Verdict(Comment.Status.APPROVED)
