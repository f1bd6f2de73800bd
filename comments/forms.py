"""The reader's comment form: it owns every validation rule and its Arabic message."""

import re

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comments.models import Comment
from newsroom.arabic import normalize

MIN_FILL_SECONDS = 3  # a person needs longer than this to write a comment
FORM_MAX_AGE_SECONDS = 24 * 60 * 60
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
signer = signing.TimestampSigner(salt="comments.form-rendered-at")
# The form is too old, or its signed time or CSRF token could not be checked.
FORM_EXPIRED = _("انتهت صلاحية النموذج أو تعذّر التحقق منه؛ راجع تعليقك ثم أرسله مرة أخرى.")


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
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Invisible to people (hidden by CSS, skipped by keyboard and screen readers): only bots fill it.
    homepage = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}), label=_("اترك هذا الحقل فارغاً")
    )  # fmt: skip
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rendered_at"].initial = signer.sign(str(int(timezone.now().timestamp())))
        self.looks_automated = False

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not LETTER_OR_DIGIT.search(normalize(text)):  # tatweel alone is no word
            raise forms.ValidationError(_("التعليق لا يحتوي على كلمات؛ اكتب نصاً مفهوماً."))
        return text

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not LETTER_OR_DIGIT.search(normalize(name)):
            raise forms.ValidationError(_("اكتب اسماً يحتوي على حروف."))
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            self.looks_automated = True
        try:
            rendered = int(signer.unsign(cleaned.get("rendered_at") or "", max_age=FORM_MAX_AGE_SECONDS))
        except (signing.BadSignature, ValueError):
            self.data = self.data.copy()  # the re-rendered form carries a fresh timestamp
            self.data["rendered_at"] = self.fields["rendered_at"].initial
            raise forms.ValidationError(FORM_EXPIRED) from None
        if timezone.now().timestamp() - rendered < MIN_FILL_SECONDS:
            self.looks_automated = True
        return cleaned
