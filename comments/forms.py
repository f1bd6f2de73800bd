"""The reader's comment form: it owns every validation rule and its Arabic message."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comments import moderation
from comments.models import Comment, CommentReport
from newsroom import formstamp
from newsroom.arabic import words

# The form is too old, or its stamp (newsroom/formstamp.py) or CSRF token could not be checked.
FORM_EXPIRED = _("انتهت صلاحية النموذج أو تعذّر التحقق منه؛ راجع تعليقك ثم أرسله مرة أخرى.")
REPLY_LOST = _("تعذّر تحديد التعليق الذي تردّ عليه؛ إن أرسلت تعليقك مرة أخرى فسيُنشر تعليقاً مستقلاً.")
# A refused form shows back at most this much of any field: enough to trim a comment that
# ran over its limit, never the megabytes a script may send.
ECHO_LIMIT = 2 * Comment._meta.get_field("text").max_length


def required(message):
    return {"required": message}


class CommentForm(forms.Form):
    name = forms.CharField(
        label=_("الاسم"), max_length=80, error_messages=required(_("اكتب اسمك.")) | {
            "max_length": _("الاسم أطول من %(limit_value)d حرفاً.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )  # fmt: skip
    email = forms.EmailField(
        label=_("البريد الإلكتروني"),
        max_length=254,
        error_messages=required(_("اكتب بريدك الإلكتروني.")) | {"invalid": _("اكتب بريداً إلكترونياً صحيحاً، مثل name@example.com.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )  # fmt: skip
    website = forms.URLField(
        label=_("الموقع الإلكتروني"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("اكتب رابطاً صحيحاً، مثل https://example.com.")},
        widget=forms.URLInput(attrs={"autocomplete": "url", "dir": "ltr"}),
    )
    text = forms.CharField(
        label=pgettext_lazy("comment", "التعليق"),  # not the image caption of the same msgid
        max_length=Comment._meta.get_field("text").max_length,
        error_messages=required(_("اكتب تعليقك.")) | {
            "max_length": _("التعليق أطول من %(limit_value)d حرف (كتبت %(show_value)d).")
        },
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )  # fmt: skip
    remember = forms.BooleanField(
        label=_("احفظ اسمي وبريدي الإلكتروني في هذا المتصفح لاستخدامها في المرة القادمة."), required=False
    )
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": REPLY_LOST}
    )
    # Invisible to people (hidden by CSS, skipped by keyboard and screen readers): only bots fill
    # it, and the moderation policy drops what they send.
    homepage = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}), label=_("اترك هذا الحقل فارغاً")
    )  # fmt: skip
    # The form stamp: empty in the blank form, whose {% stamp_field %} is filled per reader.
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_seconds = None  # how long the reader had the form, once its stamp is checked

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not words(text):  # tatweel alone is no word
            raise forms.ValidationError(_("التعليق لا يحتوي على كلمات؛ اكتب نصاً مفهوماً."))
        return text

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not words(name):
            raise forms.ValidationError(_("اكتب اسماً يحتوي على حروف."))
        return name

    def clean(self):
        cleaned = super().clean()
        if self.errors.pop("parent", None):  # a hidden field: say it above the form
            self.add_error(None, REPLY_LOST)
            self.show_back("parent", "")
        self.cut_overlong_values()
        now = timezone.now().timestamp()
        sent = cleaned.get("rendered_at") or ""
        # Should the form come back (an error, a refusal), it carries a new stamp: the one sent
        # is used up, and the reader has written their comment already.
        self.show_back("rendered_at", formstamp.issue(at=now - moderation.MIN_FILL_SECONDS))
        try:
            issued = formstamp.use(sent)
        except formstamp.InvalidStamp:
            raise forms.ValidationError(FORM_EXPIRED) from None
        self.fill_seconds = now - issued
        return cleaned

    def show_back(self, name: str, value: str) -> None:
        """What the re-rendered form shows in field `name`, instead of what was sent."""
        self.data = self.data.copy()
        self.data[name] = value

    def cut_overlong_values(self) -> None:
        """A field far over its limit comes back cut, and says so: a page never echoes megabytes."""
        for name in self.fields:
            value = self.data.get(name) or ""
            if len(value) > ECHO_LIMIT:
                self.show_back(name, value[:ECHO_LIMIT])
                self.add_error(
                    name, _("لم نُعِد إليك إلا أول %(kept)d حرف مما كتبت هنا.") % {"kept": ECHO_LIMIT}
                )


class ReportForm(forms.Form):
    """Why a reader reports a comment: one of the reasons, and optional words of their own."""

    reason = forms.ChoiceField(
        label=_("سبب البلاغ"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages=required(_("اختر سبب البلاغ.")) | {"invalid_choice": _("اختر سبب البلاغ.")},
    )
    note = forms.CharField(
        label=_("تفاصيل (اختياري)"),
        required=False,
        max_length=CommentReport._meta.get_field("note").max_length,
        error_messages={"max_length": _("التفاصيل أطول من %(limit_value)d حرف.")},
    )
