"""The moderation policy: the one place that says what is refused, held or published."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import BlockedCommenter, Comment, ModerationSettings
from newsroom.arabic import stems, words

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


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


@dataclass(frozen=True)
class Verdict:
    status: str  # a Comment.Status, or REFUSED
    reason: str = ""

    REFUSED = "refused"


class ModerationPolicy:
    def __init__(self, settings: ModerationSettings | None = None):
        self.settings = settings or ModerationSettings.load()

    def comments_open(self, article) -> bool:
        if not article.comments_open:
            return False
        days = self.settings.close_after_days
        return (
            not days
            or article.publish_at is None
            or article.publish_at > timezone.now() - timedelta(days=days)
        )

    def verdict(
        self, *, email: str, ip_hash: str, text: str, website: str = "", staff: bool = False
    ) -> Verdict:
        if staff:
            return Verdict(Comment.Status.APPROVED)
        blocks = set(
            BlockedCommenter.objects.filter(email__iexact=email).values_list("kind", flat=True)
        ) | set(BlockedCommenter.objects.filter(ip_hash=ip_hash).values_list("kind", flat=True))
        if BlockedCommenter.Kind.BANNED in blocks:
            return Verdict(Verdict.REFUSED, _("معلّق محظور"))
        if word := contains_phrase(text, self.settings.banned_word_list):
            return Verdict(Verdict.REFUSED, _("كلمة محظورة: %(word)s") % {"word": word})

        reasons = []
        if BlockedCommenter.Kind.ALWAYS_HOLD in blocks:
            reasons.append(_("معلّق تحت المراقبة"))
        links = len(LINK.findall(text)) + bool(website)
        if links > self.settings.max_links:
            reasons.append(_("روابط كثيرة (%(count)d)") % {"count": links})
        if word := contains_phrase(text, self.settings.hold_word_list):
            reasons.append(_("كلمة تستدعي المراجعة: %(word)s") % {"word": word})
        if reasons:
            return Verdict(Comment.Status.PENDING, "، ".join(reasons))

        mode = self.settings.mode
        if mode == ModerationSettings.Mode.HOLD_ALL:
            return Verdict(Comment.Status.PENDING, _("كل التعليقات تُراجع"))
        if (
            mode == ModerationSettings.Mode.TRUST_KNOWN
            and not Comment.objects.approved().by_email(email).exists()
        ):
            return Verdict(Comment.Status.PENDING, _("معلّق جديد"))
        return Verdict(Comment.Status.APPROVED)
