"""Reader-facing dates and digits (newsroom/templatetags/news_dates.py) and their admin."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import override
from hijridate import Gregorian

from newsroom.cachetags import request_begins, request_ends
from newsroom.models import SiteSettings
from newsroom.templatetags.news_dates import (
    arabic_count,
    digits,
    machine_datetime,
    news_date,
    news_datetime,
    relative_time,
    today_dates,
)

pytestmark = pytest.mark.django_db

RIYADH = ZoneInfo("Asia/Riyadh")
DAY = date(2026, 11, 29)  # Sunday; Umm al-Qura 19 Jumada al-Akhirah 1448 (checked below)
NOW = datetime(2026, 11, 29, 14, 5, tzinfo=RIYADH)
AR_GREGORIAN = "29 نوفمبر 2026م"
AR_HIJRI = "19 جمادى الآخرة 1448هـ"
EN_GREGORIAN = "29 November 2026"
EN_HIJRI = "19 Jumada al-Akhirah 1448 AH"


@pytest.fixture(autouse=True)
def fresh_site_settings():
    """The cached settings row never leaks between tests (the database is rolled back)."""
    cache.delete(SiteSettings.cache_key)
    yield
    cache.delete(SiteSettings.cache_key)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def configure(calendar: str = "both", digits: str = "western") -> None:
    SiteSettings.objects.update_or_create(pk=1, defaults={"calendar": calendar, "digits": digits})


def render(source: str, **context: object) -> str:
    return Template("{% load news_dates %}" + source).render(Context(context))


def test_the_expected_hijri_date_is_umm_al_qura():
    hijri = Gregorian(2026, 11, 29).to_hijri()
    assert (hijri.day, hijri.month, hijri.year) == (19, 6, 1448)
    assert hijri.month_name("ar") == "جمادى الآخرة"


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        ("gregorian", AR_GREGORIAN),
        ("hijri", AR_HIJRI),
        ("both", f"{AR_GREGORIAN} — {AR_HIJRI}"),
    ],
)
def test_news_date_follows_the_calendar_setting_in_arabic(calendar, expected):
    configure(calendar)
    assert render("{{ day|news_date }}", day=DAY) == expected


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        ("gregorian", EN_GREGORIAN),
        ("hijri", EN_HIJRI),
        ("both", f"{EN_GREGORIAN} — {EN_HIJRI}"),
    ],
)
def test_news_date_in_english_has_no_arabic_era_marks(calendar, expected):
    configure(calendar)
    with override("en"):
        assert news_date(DAY) == expected


def test_news_datetime_adds_the_24_hour_local_time():
    configure("both")
    moment = datetime(2026, 11, 29, 11, 5, tzinfo=UTC)  # 14:05 in Riyadh
    assert news_datetime(moment) == f"{AR_GREGORIAN} — {AR_HIJRI}، 14:05"
    with override("en"):
        assert news_datetime(moment) == f"{EN_GREGORIAN} — {EN_HIJRI}, 14:05"
    assert news_datetime(DAY) == f"{AR_GREGORIAN} — {AR_HIJRI}"  # a date has no time


def test_late_evening_utc_is_already_the_next_day_in_riyadh():
    configure("both")
    moment = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # 00:30 on 29 November in Riyadh
    assert render("{{ moment|news_date }}", moment=moment) == f"{AR_GREGORIAN} — {AR_HIJRI}"
    assert news_datetime(moment) == f"{AR_GREGORIAN} — {AR_HIJRI}، 00:30"


def test_arabic_indic_digits_apply_to_dates_and_numbers():
    configure("both", "arabic_indic")
    assert news_date(DAY) == "٢٩ نوفمبر ٢٠٢٦م — ١٩ جمادى الآخرة ١٤٤٨هـ"
    assert news_datetime(NOW) == "٢٩ نوفمبر ٢٠٢٦م — ١٩ جمادى الآخرة ١٤٤٨هـ، ١٤:٠٥"
    assert render("{{ 1234|digits }}") == "١٢٣٤"
    assert render("{{ count|digits }} تعليقاً", count=0) == "٠ تعليقاً"


def test_western_digits_and_english_pages_keep_western_digits():
    configure("gregorian", "western")
    assert render("{{ 1234|digits }}") == "1234"
    configure("gregorian", "arabic_indic")
    with override("en"):
        assert render("{{ 1234|digits }}") == "1234"
        assert news_date(DAY) == EN_GREGORIAN


def test_digits_escapes_unsafe_input_and_keeps_safe_markup_intact():
    configure(digits="arabic_indic")
    assert render("{{ text|digits }}", text="<b>العدد 3</b>") == "&lt;b&gt;العدد ٣&lt;/b&gt;"
    safe = digits(mark_safe('<a href="/page/2/">صفحة 2</a> &#39;10&#x27;'))
    assert isinstance(safe, SafeData)
    assert safe == '<a href="/page/2/">صفحة ٢</a> &#39;١٠&#x27;'
    assert not isinstance(digits("<b>3</b>"), SafeData)


def test_machine_datetime_is_what_html_time_elements_accept():
    """To the second (HTML rejects |date:'c''s microseconds), in local time, Western digits."""
    configure(digits="arabic_indic")
    moment = datetime(2026, 11, 29, 11, 5, 9, 191182, tzinfo=UTC)
    assert render('<time datetime="{{ moment|machine_datetime }}">', moment=moment) == (
        '<time datetime="2026-11-29T14:05:09+03:00">'
    )
    assert machine_datetime(DAY) == "2026-11-29"


@pytest.mark.parametrize("tag", ["news_date", "news_datetime", "relative_time", "digits", "machine_datetime"])
@pytest.mark.parametrize("value", [None, ""])
def test_empty_values_render_nothing(tag, value):
    assert render(f"{{{{ value|{tag} }}}}", value=value) == ""
    assert render(f"{{{{ missing|{tag} }}}}") == ""


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=59), "الآن"),
        (timedelta(minutes=1), "منذ دقيقة"),
        (timedelta(minutes=2), "منذ دقيقتين"),
        (timedelta(minutes=3), "منذ 3 دقائق"),
        (timedelta(minutes=10), "منذ 10 دقائق"),
        (timedelta(minutes=11), "منذ 11 دقيقة"),
        (timedelta(minutes=100), "منذ ساعة"),
        (timedelta(hours=1), "منذ ساعة"),
        (timedelta(hours=2), "منذ ساعتين"),
        (timedelta(hours=3), "منذ 3 ساعات"),
        (timedelta(hours=10), "منذ 10 ساعات"),
        (timedelta(hours=11), "منذ 11 ساعة"),
        (timedelta(hours=100), "منذ 4 أيام"),
        (timedelta(days=1), "منذ يوم"),
        (timedelta(days=2), "منذ يومين"),
        (timedelta(days=3), "منذ 3 أيام"),
        (timedelta(days=10), "منذ 10 أيام"),
        (timedelta(days=11), "منذ 11 يوماً"),
        (timedelta(days=30, hours=23), "منذ 30 يوماً"),
        (timedelta(days=31), "29 أكتوبر 2026م"),
        (timedelta(days=100), "21 أغسطس 2026م"),
        (-timedelta(seconds=30), "الآن"),
        (-timedelta(minutes=1), "بعد دقيقة"),
        (-timedelta(hours=2), "بعد ساعتين"),
        (-timedelta(days=3), "بعد 3 أيام"),
        (-timedelta(days=11), "بعد 11 يوماً"),
    ],
)
def test_relative_time_in_arabic(frozen, delta, expected):
    configure("gregorian")
    assert render("{{ moment|relative_time }}", moment=NOW - delta) == expected


@pytest.mark.parametrize(
    ("n", "unit", "expected"),
    [
        (100, "minute", "100 دقيقة"),
        (100, "hour", "100 ساعة"),
        (100, "day", "100 يوم"),
        (102, "day", "102 يوم"),
        (103, "day", "103 أيام"),
        (111, "day", "111 يوماً"),
        (1000, "hour", "1000 ساعة"),
    ],
)
def test_arabic_counts_past_one_hundred_follow_the_last_two_digits(n, unit, expected):
    assert arabic_count(n, unit) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=11), "11 minutes ago"),
        (timedelta(hours=2), "2 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (-timedelta(hours=2), "in 2 hours"),
        (timedelta(days=31), "29 October 2026"),
    ],
)
def test_relative_time_in_english(frozen, delta, expected):
    configure("gregorian", "arabic_indic")
    with override("en"):
        assert relative_time(NOW - delta) == expected


def test_relative_time_uses_the_digit_setting(frozen):
    configure(digits="arabic_indic")
    assert relative_time(NOW - timedelta(minutes=11)) == "منذ ١١ دقيقة"


def test_relative_time_of_a_plain_date_is_the_date(frozen):
    configure("hijri")
    assert relative_time(DAY) == AR_HIJRI


def test_today_dates_always_shows_both_calendars(frozen):
    configure("gregorian")
    assert render("{% today_dates %}") == f"الأحد {AR_GREGORIAN} · {AR_HIJRI}"
    with override("en"):
        assert today_dates() == f"Sunday {EN_GREGORIAN} · {EN_HIJRI}"
    configure("hijri", "arabic_indic")
    assert today_dates() == "الأحد ٢٩ نوفمبر ٢٠٢٦م · ١٩ جمادى الآخرة ١٤٤٨هـ"


def test_today_dates_is_the_riyadh_day():
    configure("gregorian")
    with time_machine.travel(datetime(2026, 11, 28, 21, 30, tzinfo=UTC), tick=False):
        assert today_dates() == f"الأحد {AR_GREGORIAN} · {AR_HIJRI}"


def test_dates_outside_the_umm_al_qura_range_fall_back_to_gregorian():
    configure("hijri")
    assert news_date(date(1900, 1, 1)) == "1 يناير 1900م"


def test_changed_settings_take_effect_immediately():
    configure("gregorian")
    assert news_date(DAY) == AR_GREGORIAN
    SiteSettings.objects.update_or_create(pk=1, defaults={"calendar": "hijri"})
    assert news_date(DAY) == AR_HIJRI
    site = SiteSettings.load()
    site.digits = SiteSettings.Digits.ARABIC_INDIC
    site.save()
    assert news_date(DAY) == "١٩ جمادى الآخرة ١٤٤٨هـ"


def test_filters_read_the_settings_from_the_cache(django_assert_num_queries, frozen):
    request_begins()  # settings are read once per request
    try:
        SiteSettings.load()
        with django_assert_num_queries(0):
            render(
                "{{ d|news_date }}{{ d|news_datetime }}{{ d|relative_time }}{{ 5|digits }}{% today_dates %}",
                d=NOW,
            )
    finally:
        request_ends()


def test_site_settings_admin_changes_the_single_row(client, superuser):
    configure("both")
    client.force_login(superuser)
    changelist = client.get(reverse("admin:newsroom_sitesettings_changelist"))
    assert changelist.status_code == 200
    assert "ميلادي وهجري" in changelist.content.decode()
    assert "أرقام غربية" in changelist.content.decode()
    assert client.get(reverse("admin:newsroom_sitesettings_add")).status_code == 403
    assert client.get(reverse("admin:newsroom_sitesettings_delete", args=[1])).status_code == 403
    response = client.post(
        reverse("admin:newsroom_sitesettings_change", args=[1]),
        {"calendar": "hijri", "digits": "arabic_indic"},
    )
    assert response.status_code == 302
    assert SiteSettings.objects.count() == 1
    assert news_date(DAY) == "١٩ جمادى الآخرة ١٤٤٨هـ"


def test_site_settings_can_be_added_only_while_there_is_none(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(SiteSettings)
    SiteSettings.load()  # the one row (made by a migration, or on first use)
    assert not model_admin.has_add_permission(request)
    SiteSettings.objects.all().delete()
    assert model_admin.has_add_permission(request)
