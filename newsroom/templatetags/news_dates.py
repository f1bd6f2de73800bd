"""Reader-facing dates, relative times and digits: ``{% load news_dates %}``.

Every date or count shown on a public page goes through these filters, so that the one
`SiteSettings` row decides the calendar (Gregorian, Umm al-Qura Hijri or both) and the
digits (Western or Arabic-Indic) everywhere. Output follows the active language: Arabic
with era marks ("م", "هـ"), English without a Gregorian mark and with "AH" for Hijri.

- ``value|news_date``: "29 نوفمبر 2026م — 19 جمادى الآخرة 1448هـ" (per the calendar setting)
- ``value|news_datetime``: the same plus "، 14:05" (", 14:05" in English)
- ``value|relative_time``: "منذ 3 دقائق", "بعد ساعتين"; past 30 days, ``news_date``
- ``value|digits``: "1234" → "١٢٣٤" when the setting asks for Arabic-Indic digits
- ``value|machine_datetime``: "2026-11-29T14:05:09+03:00", for ``<time datetime>`` and
  metadata (``|date:'c'`` adds microseconds, which HTML's ``datetime`` rejects)
- ``{% today_dates %}``: weekday and today in both calendars, for the site header

Aware datetimes are shown in the current time zone. None, "" and other non-dates give "".
"""

import re
from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from hijridate import Gregorian

from newsroom.models import SiteSettings

register = template.Library()

ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Tags and character references in already-safe HTML, whose digits must stay Western.
MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")
DATE_SEPARATOR = " — "
HEADER_SEPARATOR = " · "
RELATIVE_DAYS_LIMIT = 30
# Counted noun forms: singular, dual, plural (3–10), singular accusative (11–99).
ARABIC_UNITS = {
    "minute": ("دقيقة", "دقيقتين", "دقائق", "دقيقة"),
    "hour": ("ساعة", "ساعتين", "ساعات", "ساعة"),
    "day": ("يوم", "يومين", "أيام", "يوماً"),
}


def _is_arabic() -> bool:
    """Whether the active language (the site's, with translation deactivated) is Arabic."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] == "ar"


def localize_digits(text: str, site: SiteSettings | None = None) -> str:
    """Western digits → Arabic-Indic if the site is set so and the page is Arabic.

    Safe HTML stays safe, with the digits of its tags and character references untouched.
    """
    site = site or SiteSettings.load()
    if not _is_arabic() or site.digits != SiteSettings.Digits.ARABIC_INDIC:
        return text
    if isinstance(text, SafeData):
        parts = MARKUP.split(text)
        parts[::2] = [part.translate(ARABIC_INDIC_DIGITS) for part in parts[::2]]
        return mark_safe("".join(parts))
    return text.translate(ARABIC_INDIC_DIGITS)


def _local(value: object) -> date | None:
    """A date as is, an aware datetime in the current time zone; None for anything else."""
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return None


def _gregorian(day: date, arabic: bool) -> str:
    """ "29 نوفمبر 2026م" or "29 November 2026" (Django's month names)."""
    text = dateformat.format(day, "j F Y")
    return f"{text}م" if arabic else text


def _hijri(day: date, arabic: bool) -> str | None:
    """ "19 جمادى الآخرة 1448هـ" or "19 Jumada al-Akhirah 1448 AH".

    None outside the Umm al-Qura tables (1924-08-01 to 2077-11-16).
    """
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return None
    if arabic:
        return f"{hijri.day} {hijri.month_name('ar')} {hijri.year}هـ"
    return f"{hijri.day} {hijri.month_name('en')} {hijri.year} AH"


def _calendar_date(day: date, site: SiteSettings) -> str:
    """The day in the site's calendar(s); Gregorian where Hijri is out of range."""
    arabic = _is_arabic()
    gregorian = _gregorian(day, arabic)
    hijri = None if site.calendar == SiteSettings.Calendar.GREGORIAN else _hijri(day, arabic)
    if hijri is None:
        return gregorian
    if site.calendar == SiteSettings.Calendar.HIJRI:
        return hijri
    return f"{gregorian}{DATE_SEPARATOR}{hijri}"


def arabic_count(n: int, unit: str) -> str:
    """``n`` minutes, hours or days in Arabic, the noun agreeing with the number.

    The rule follows the last two digits (Arabic's CLDR plural categories, as in
    Django's Arabic catalog): 1 → singular alone ("دقيقة"); 2 → dual alone ("دقيقتين");
    3–10 → plural ("3 دقائق", "3 أيام"); 11–99 → singular accusative ("11 دقيقة",
    "11 يوماً"); 0 and 100–102, 200–202, … → singular genitive ("100 يوم").
    """
    singular, dual, plural, accusative = ARABIC_UNITS[unit]
    if n == 1:
        return singular
    if n == 2:
        return dual
    if 3 <= n % 100 <= 10:
        return f"{n} {plural}"
    if n % 100 >= 11:
        return f"{n} {accusative}"
    return f"{n} {singular}"


def _relative_phrase(n: int, unit: str, future: bool) -> str:
    """ "منذ 3 دقائق" / "بعد ساعتين", or "3 minutes ago" / "in 2 hours"."""
    if _is_arabic():
        return f"{'بعد' if future else 'منذ'} {arabic_count(n, unit)}"
    counted = f"{n} {unit}" if n == 1 else f"{n} {unit}s"
    return f"in {counted}" if future else f"{counted} ago"


@register.filter(is_safe=True)
def news_date(value: object) -> str:
    """The date in the site's calendar(s) and digits."""
    day = _local(value)
    if day is None:
        return ""
    site = SiteSettings.load()
    return localize_digits(_calendar_date(day, site), site)


@register.filter(is_safe=True)
def news_datetime(value: object) -> str:
    """``news_date`` plus the 24-hour local time ("، 14:05"); a plain date has no time."""
    moment = _local(value)
    if moment is None:
        return ""
    site = SiteSettings.load()
    text = _calendar_date(moment, site)
    if isinstance(moment, datetime):
        text += f"{'، ' if _is_arabic() else ', '}{moment:%H:%M}"
    return localize_digits(text, site)


@register.filter(is_safe=True)
def relative_time(value: object) -> str:
    """How long ago (or until) a datetime is, in whole minutes, hours or days.

    Under a minute either way is "الآن" ("just now"); beyond 30 days, and for plain
    dates, the result is ``news_date``. A naive datetime is taken as local time.
    """
    if not isinstance(value, datetime):
        return news_date(value)
    moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    seconds = (timezone.now() - moment).total_seconds()
    future, seconds = seconds < 0, int(abs(seconds))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days > RELATIVE_DAYS_LIMIT:
        return news_date(value)
    if minutes < 1:
        text = "الآن" if _is_arabic() else "just now"
    elif hours < 1:
        text = _relative_phrase(minutes, "minute", future)
    elif days < 1:
        text = _relative_phrase(hours, "hour", future)
    else:
        text = _relative_phrase(days, "day", future)
    return localize_digits(text)


@register.filter(is_safe=True)
def digits(value: object) -> str:
    """Any string or number with the site's digits; safe input stays safe."""
    if value is None or value == "":
        return ""
    return localize_digits(value if isinstance(value, str) else str(value))


@register.filter
def machine_datetime(value: object) -> str:
    """ISO 8601 to the second, in the current time zone; a plain date as YYYY-MM-DD."""
    moment = _local(value)
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat() if moment else ""


@register.simple_tag
def today_dates() -> str:
    """Weekday and today's date in both calendars, whatever the calendar setting."""
    arabic = _is_arabic()
    today = timezone.localdate()
    parts = [f"{dateformat.format(today, 'l')} {_gregorian(today, arabic)}"]
    hijri = _hijri(today, arabic)
    if hijri is not None:
        parts.append(hijri)
    return localize_digits(HEADER_SEPARATOR.join(parts))
