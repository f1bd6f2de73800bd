"""The live desk, role by role: who may open, post, edit, pin, delete and end."""

import pytest
from django.urls import reverse

from live.models import LiveCoverage, LiveEntry, LiveEntryChange
from tests.factories import ArticleFactory, UserFactory
from tests.live.conftest import post_entry

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, coverage, text, **fields):
    return client.post(coverage.get_desk_url(), {"body": f"<p>{text}</p>", **fields})


def action(client, entry, name):
    return client.post(reverse("live:entry_action", kwargs={"pk": entry.pk}), {"action": name})


# --- Who gets in ------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login(client, coverage):
    for url in (reverse("live:desk_index"), coverage.get_desk_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_staff_without_the_desk_permission_are_refused(client, coverage, staff):
    as_user(client, staff["moderator"])
    assert client.get(coverage.get_desk_url()).status_code == 403
    assert post(client, coverage, "محاولة").status_code == 403
    assert coverage.entries.count() == 3


def test_the_desk_is_never_cached(client, coverage, staff):
    response = as_user(client, staff["journalist"]).get(coverage.get_desk_url())
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


# --- Journalists ------------------------------------------------------------------------------
def test_a_journalist_posts_to_a_live_coverage_in_one_action(client, coverage, staff):
    as_user(client, staff["journalist"])
    response = post(client, coverage, "<strong>انقطاع</strong> الكهرباء عن الحي الشرقي", is_key_event="on")
    assert response.status_code == 302
    entry = coverage.entries.latest("pk")
    assert (entry.author, entry.is_key_event, entry.is_pinned) == (staff["journalist"], True, False)
    assert "<strong>انقطاع</strong>" in entry.body


def test_a_posted_entry_goes_through_the_sanitiser(client, coverage, staff):
    as_user(client, staff["journalist"])
    post(client, coverage, 'نص <script>alert(1)</script><a href="javascript:alert(1)">رابط</a>')
    body = coverage.entries.latest("pk").body
    assert "<script" not in body
    assert "javascript:" not in body
    assert "نص" in body


def test_a_journalist_cannot_pin_open_or_end(client, coverage, staff):
    as_user(client, staff["journalist"])
    post(client, coverage, "محاولة تثبيت", is_pinned="on")
    assert coverage.entries.filter(is_pinned=True).count() == 0  # the field is not theirs
    entry = coverage.entries.latest("pk")
    for name in ("pin", "delete"):
        assert action(client, entry, name).status_code == 403
    assert client.post(reverse("live:end", kwargs={"pk": coverage.pk})).status_code == 403
    other = ArticleFactory()
    response = client.post(reverse("live:desk_index"), {"article": other.pk})
    assert response.status_code == 403
    assert not LiveCoverage.objects.filter(article=other).exists()
    coverage.refresh_from_db()
    assert coverage.is_live
    assert LiveEntry.objects.visible().filter(pk=entry.pk).exists()


def test_a_journalist_posts_only_while_the_coverage_is_live(client, coverage, staff):
    coverage.end(staff["editor"])
    as_user(client, staff["journalist"])
    page = client.get(coverage.get_desk_url())
    assert "انتهت هذه التغطية" in page.content.decode()
    assert post(client, coverage, "بعد الانتهاء").status_code == 403
    assert coverage.entries.count() == 3


def test_a_journalist_edits_their_own_entries_with_a_correction_note(client, coverage, staff):
    mine = coverage.entries.filter(author=staff["journalist"]).earliest("pk")
    as_user(client, staff["journalist"])
    edit_url = reverse("live:edit", kwargs={"pk": mine.pk})
    refused = client.post(edit_url, {"body": "<p>رقم مصحح</p>"})
    assert refused.status_code == 200  # the note is required: the form comes back
    mine.refresh_from_db()
    assert "رقم مصحح" not in mine.body

    client.post(edit_url, {"body": "<p>رقم مصحح</p>", "correction_note": "صُحّح عدد المتضررين."})
    mine.refresh_from_db()
    assert ("رقم مصحح" in mine.body, mine.correction_note, mine.edited_by) == (
        True,
        "صُحّح عدد المتضررين.",
        staff["journalist"],
    )
    change = mine.changes.get()
    assert (change.action, change.changed_by) == (LiveEntryChange.Action.EDIT, staff["journalist"])
    assert "التحديث رقم 1" in change.before["body"]  # what it said before


def test_a_journalist_cannot_edit_someone_elses_entry(client, coverage, staff):
    theirs = post_entry(coverage, staff["other_journalist"], "تحديث زميل")
    as_user(client, staff["journalist"])
    edit_url = reverse("live:edit", kwargs={"pk": theirs.pk})
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"body": "<p>تغيير</p>", "correction_note": "x"}).status_code == 403
    theirs.refresh_from_db()
    assert "تحديث زميل" in theirs.body


# --- Editors ----------------------------------------------------------------------------------
def test_an_editor_opens_a_coverage_on_an_article(client, staff):
    article = ArticleFactory(title="زلزال في الحصن الأبيض")
    as_user(client, staff["editor"])
    response = client.post(reverse("live:desk_index"), {"article": article.pk})
    coverage = LiveCoverage.objects.get(article=article)
    assert response["Location"] == coverage.get_desk_url()
    assert (coverage.is_live, coverage.opened_by) == (True, staff["editor"])
    # An article has one coverage: it is no longer offered.
    assert client.post(reverse("live:desk_index"), {"article": article.pk}).status_code == 200
    assert LiveCoverage.objects.filter(article=article).count() == 1


def test_an_editor_pins_one_entry_at_a_time(client, coverage, staff):
    first, second = coverage.entries.order_by("pk")[:2]
    as_user(client, staff["editor"])
    action(client, first, "pin")
    action(client, second, "pin")
    assert list(coverage.entries.filter(is_pinned=True)) == [second]
    action(client, second, "unpin")
    assert not coverage.entries.filter(is_pinned=True).exists()


def test_an_editor_deletes_an_entry_and_its_history_stays(client, coverage, staff):
    entry = coverage.entries.earliest("pk")
    as_user(client, staff["editor"])
    action(client, entry, "delete")
    entry.refresh_from_db()
    assert (entry.deleted_by, entry.deleted_at is not None) == (staff["editor"], True)
    assert entry not in coverage.entries.visible()
    change = entry.changes.get()
    assert (change.action, change.changed_by) == (LiveEntryChange.Action.DELETE, staff["editor"])
    assert "التحديث رقم 1" in change.before["body"]


def test_an_editor_edits_any_entry_and_ends_the_coverage(client, coverage, staff):
    entry = coverage.entries.filter(author=staff["journalist"]).latest("pk")
    as_user(client, staff["editor"])
    client.post(
        reverse("live:edit", kwargs={"pk": entry.pk}),
        {"body": "<p>صياغة أدق</p>", "correction_note": "توضيح المصدر."},
    )
    entry.refresh_from_db()
    assert entry.edited_by == staff["editor"]

    client.post(reverse("live:end", kwargs={"pk": coverage.pk}))
    coverage.refresh_from_db()
    assert (coverage.is_live, coverage.ended_by, coverage.ended_at is not None) == (
        False,
        staff["editor"],
        True,
    )


def test_a_superuser_may_do_everything(client, coverage):
    admin = UserFactory(username="live-admin", is_superuser=True)
    as_user(client, admin)
    post(client, coverage, "من المدير", is_pinned="on")
    assert coverage.entries.get(is_pinned=True).author == admin


def test_the_desk_shows_editors_their_tools_and_journalists_theirs(client, coverage, staff):
    mine = post_entry(coverage, staff["journalist"], "تحديثي")
    theirs = post_entry(coverage, staff["other_journalist"], "تحديث زميلي")
    page = as_user(client, staff["journalist"]).get(coverage.get_desk_url()).content.decode()
    assert reverse("live:edit", kwargs={"pk": mine.pk}) in page
    assert reverse("live:edit", kwargs={"pk": theirs.pk}) not in page
    assert "إنهاء التغطية" not in page
    assert 'value="pin"' not in page
    page = as_user(client, staff["editor"]).get(coverage.get_desk_url()).content.decode()
    assert reverse("live:edit", kwargs={"pk": theirs.pk}) in page
    assert "إنهاء التغطية" in page
    assert 'value="pin"' in page
    assert 'name="is_pinned"' in page


# --- The admin --------------------------------------------------------------------------------
def test_the_admin_lists_coverages_with_a_way_to_their_desk(client, coverage, staff):
    for role in ("editor", "journalist"):
        page = as_user(client, staff[role]).get(reverse("admin:live_livecoverage_changelist"))
        assert page.status_code == 200
        assert coverage.get_desk_url() in page.content.decode()
    assert client.get(reverse("admin:live_livecoverage_add")).status_code == 403  # journalists open none
    assert as_user(client, staff["editor"]).get(reverse("admin:live_livecoverage_add")).status_code == 200


def test_the_admin_shows_an_entrys_history_read_only(client, coverage, staff):
    entry = coverage.entries.earliest("pk")
    entry.edit(staff["editor"], body="<p>نص جديد</p>", correction_note="تصحيح الرقم.")
    page = as_user(client, staff["editor"]).get(reverse("admin:live_liveentry_change", args=[entry.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "التحديث رقم 1 من الوادي." in html  # what it said before the edit
    assert 'name="_save"' not in html
