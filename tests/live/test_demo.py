"""The demo's live coverages: one ended, one live, each with 20+ original Arabic entries by
several journalists, key events and a pinned entry; seeding twice duplicates nothing."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from articles import demo as article_demo
from articles.richtext import sanitize_body
from live.demo import load_coverages
from live.models import LiveCoverage, LiveEntry

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("data", load_coverages(), ids=lambda data: data["title"][:20])
def test_each_demo_coverage_is_written_as_a_newsroom_would(data):
    entries = data["entries"]
    assert len(entries) >= 20
    assert len({entry["author"] for entry in entries}) >= 4
    assert sum(entry.get("key", False) for entry in entries) >= 3
    assert sum(entry.get("pinned", False) for entry in entries) == 1
    assert [entry["minute"] for entry in entries] == sorted({entry["minute"] for entry in entries})
    for entry in entries:
        assert entry["body"] == sanitize_body(entry["body"])  # nothing the sanitiser would drop
        assert ARABIC.search(entry["body"])
        assert not re.search(r"lorem|ipsum", entry["body"], re.I)
    assert len({entry["body"] for entry in entries}) == len(entries)


def test_the_demo_has_one_ended_and_one_live_coverage():
    ended = [data for data in load_coverages() if "ended_after_minutes" in data]
    assert len(ended) == 1
    assert len(load_coverages()) == 2
    assert all(ended[0]["ended_after_minutes"] > entry["minute"] for entry in ended[0]["entries"])
    live = next(data for data in load_coverages() if "ended_after_minutes" not in data)
    assert live["entries"][-1]["minute"] < live["hours_ago"] * 60  # no entry from the future


@pytest.fixture(scope="module")
def seeded(module_transaction):
    with override_settings(DEBUG=True), pytest.MonkeyPatch.context() as patch:
        patch.setattr(article_demo, "IMAGE_SIZE", (160, 90))
        call_command("seed_demo", verbosity=0)
    return counts()


def counts() -> tuple[int, int]:
    return LiveCoverage.objects.count(), LiveEntry.objects.count()


@pytest.mark.django_db
def test_seeding_again_duplicates_nothing(seeded, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert counts() == seeded


@pytest.mark.django_db
def test_seeding_loads_the_coverages_once(seeded, client):
    coverages = {coverage.state: coverage for coverage in LiveCoverage.objects.select_related("article")}
    assert set(coverages) == {"live", "ended"}
    for coverage in coverages.values():
        assert coverage.article.is_public
        assert coverage.entries.count() >= 20
        assert coverage.pinned_entry is not None
        assert len(coverage.key_events) >= 3
    live = coverages["live"]
    html = client.get(live.get_absolute_url()).content.decode()
    assert html.count('<article class="live-entry') == live.entries.count()
    assert "data-updates-url" in html
    assert "data-updates-url" not in client.get(coverages["ended"].get_absolute_url()).content.decode()
