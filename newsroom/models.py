"""Site-wide settings editors change in the admin (not deployment configuration)."""

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.cachetags import read, request_memo


class SingletonModel(models.Model):
    """A table of exactly one row (pk 1) of settings edited in the admin, read once per request
    through a shared-cache copy."""

    cache_key: str  # set by each subclass

    class Meta:
        abstract = True

    def __str__(self):
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.cache_key)
        request_memo().pop(self.cache_key, None)

    @classmethod
    def load(cls):
        memo = request_memo()
        if cls.cache_key not in memo:
            memo[cls.cache_key] = cls._load_shared()
        return memo[cls.cache_key]

    @classmethod
    def _load_shared(cls):
        current = read(cls.cache_key)
        if current is None:
            # The row normally comes from a migration; creating the defaults here is no
            # edit, so it bypasses save() and its side effects (expiring pages).
            cls.objects.bulk_create([cls(pk=1)], ignore_conflicts=True)
            current = cls.objects.get(pk=1)
            cache.set(cls.cache_key, current, 300)
        return current


class SiteSettings(SingletonModel):
    """The one row of reader-facing preferences."""

    class Calendar(models.TextChoices):
        GREGORIAN = "gregorian", _("ميلادي")
        HIJRI = "hijri", _("هجري (أم القرى)")
        BOTH = "both", _("ميلادي وهجري")

    class Digits(models.TextChoices):
        WESTERN = "western", _("أرقام غربية (0123)")
        ARABIC_INDIC = "arabic_indic", _("أرقام عربية مشرقية (٠١٢٣)")

    calendar = models.CharField(_("التقويم"), max_length=12, choices=Calendar.choices, default=Calendar.BOTH)
    digits = models.CharField(_("الأرقام"), max_length=12, choices=Digits.choices, default=Digits.WESTERN)

    cache_key = "newsroom:site-settings"

    class Meta:
        verbose_name = _("إعدادات الموقع")
        verbose_name_plural = _("إعدادات الموقع")
