"""What a process keeps of the shared cache is exactly as current as the shared cache
(newsroom/cachetags.py: KeptEntries)."""

import time

import pytest
from django.core.cache import cache

from newsroom import cachetags
from newsroom.cachetags import Entry, KeptEntries

pytestmark = pytest.mark.django_db


def rendered(html: str):
    def render():
        cachetags.depends("article:7")
        calls.append(html)
        return html

    calls = []
    render.calls = calls
    return render


def test_a_kept_entry_costs_its_tags_not_its_html(monkeypatch):
    cachetags.remember("region:story", rendered("<p>خبر</p>"), 60)
    asked = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: asked.extend(keys) or real_get_many(keys))
    assert cachetags.remember("region:story", rendered("<p>غيره</p>"), 60) == "<p>خبر</p>"
    assert asked == [cachetags.CHANGE_PREFIX + "article:7"]


def test_a_kept_entry_that_went_stale_is_fetched_again_when_another_process_rendered_it_since():
    first = rendered("<p>قبل التعديل</p>")
    cachetags.remember("region:story", first, 60)
    cachetags.expire("article:7")
    time.sleep(cachetags.CLOCK_SKEW_NS / 1e9 + 0.01)
    # Another process renders the story again after the edit, into the shared cache only.
    newer = Entry("<p>بعد التعديل</p>", frozenset({"article:7"}), time.time_ns(), time.time() + 60)
    cache.set("region:story", newer, 60)
    again = rendered("<p>تصيير ثالث</p>")
    assert cachetags.remember("region:story", again, 60) == "<p>بعد التعديل</p>"
    assert again.calls == []


def test_a_stale_entry_nobody_rendered_since_is_rendered_again():
    cachetags.remember("region:story", rendered("<p>قبل التعديل</p>"), 60)
    cachetags.expire("article:7")
    time.sleep(cachetags.CLOCK_SKEW_NS / 1e9 + 0.01)
    assert cachetags.remember("region:story", rendered("<p>بعد التعديل</p>"), 60) == "<p>بعد التعديل</p>"


def test_kept_entries_stay_within_their_budget_least_recently_used_first():
    kept = KeptEntries(budget=10)

    def entry(text):
        return Entry(text, frozenset(), 0, time.time() + 60)

    kept.keep({"a": entry("aaaa"), "b": entry("bbbb")})
    kept.get_many(["a"])  # used: "b" is now the oldest
    kept.keep({"c": entry("cccc"), "d": Entry(object(), frozenset(), 0, 0)})  # only strings are kept
    assert set(kept.entries) == {"a", "c"}
    assert kept.size == 8
