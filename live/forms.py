"""The live desk's forms: what a journalist or editor may post, change or open."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.admin_widgets import EDITOR_SCRIPTS
from articles.models import Article, MediaImage
from live.models import LiveEntry, can_manage

PICKER_SIZE = 12  # the newest images of the library offered by the picker
OPEN_CHOICES = 50  # the newest articles a coverage may be opened on


class EntryForm(forms.ModelForm):
    """One composer: text, an optional image from the library or a link, and the flags the
    user may set (only editors pin)."""

    class Meta:
        model = LiveEntry
        fields = ["headline", "body", "image", "link", "is_key_event", "is_pinned"]
        widgets = {"image": forms.RadioSelect}

    class Media:
        js = EDITOR_SCRIPTS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        recent = list(MediaImage.objects.values_list("pk", flat=True)[:PICKER_SIZE])
        image = self.fields["image"]
        image.queryset = MediaImage.objects.filter(pk__in=[*recent, self.instance.image_id])
        image.empty_label = _("بلا صورة")
        if "is_pinned" in self.fields and not can_manage(user):
            del self.fields["is_pinned"]


class EntryEditForm(EntryForm):
    """A published entry changed: readers are told why. Pinning is a desk action of its own."""

    class Meta(EntryForm.Meta):
        fields = ["headline", "body", "image", "link", "is_key_event", "correction_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correction_note"].required = True


class OpenCoverageForm(forms.Form):
    article = forms.ModelChoiceField(
        label=_("المقال"),
        queryset=Article.objects.none(),
        help_text=_("تُفتح التغطية على مقال موجود؛ تظهر تحديثاتها في صفحته حين يُنشر."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = Article.objects.filter(live_coverage__isnull=True).exclude(
            status=Article.Status.ARCHIVED
        )
        recent = list(candidates.order_by("-created_at").values_list("pk", flat=True)[:OPEN_CHOICES])
        self.fields["article"].queryset = (
            Article.objects.filter(pk__in=recent).prefetch_related("translations").order_by("-created_at")
        )


class EntryAction(forms.Form):
    """An editor's one-click decision on an entry."""

    DONE = {
        "pin": _("ثُبّت التحديث في أعلى التغطية."),
        "unpin": _("أُلغي تثبيت التحديث."),
        "delete": _("حُذف التحديث من صفحة التغطية، ويبقى في سجل التغييرات."),
    }
    action = forms.ChoiceField(choices=[(name, name) for name in DONE])

    def apply(self, entry: LiveEntry, user) -> str:
        """Do it; say what was done."""
        name = self.cleaned_data["action"]
        if name == "delete":
            entry.remove(user)
        else:
            entry.set_pinned(name == "pin")
        return self.DONE[name]
