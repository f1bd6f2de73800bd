import pytest

from live.models import LiveCoverage, LiveEntry
from tests.factories import ArticleFactory, UserFactory


def post_entry(coverage, author, text, **fields) -> LiveEntry:
    entry = LiveEntry(coverage=coverage, author=author, body=f"<p>{text}</p>", **fields)
    entry.save()
    return entry


def newsroom_staff() -> dict:
    """An editor, two journalists, a moderator (staff without the desk)."""
    return {
        "editor": UserFactory(username="live-editor", role="Editor"),
        "journalist": UserFactory(username="live-journalist", role="Journalist"),
        "other_journalist": UserFactory(username="live-journalist-2", role="Journalist"),
        "moderator": UserFactory(username="live-moderator", role="Moderator"),
    }


def open_coverage(staff) -> LiveCoverage:
    """A live coverage of a published article with a few entries, oldest first."""
    article = ArticleFactory(title="تغطية مباشرة لفيضان وادي السدر", body="<p>مقدمة التغطية.</p>")
    coverage = LiveCoverage.open(article, staff["editor"])
    for number in range(1, 4):
        post_entry(coverage, staff["journalist"], f"التحديث رقم {number} من الوادي.")
    return coverage


@pytest.fixture
def staff(db):
    return newsroom_staff()


@pytest.fixture
def coverage(staff):
    return open_coverage(staff)
