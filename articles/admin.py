"""The editorial admin: where journalists and editors spend their day."""

from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import BooleanField, Count
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import get_language_bidi, ngettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from parler.admin import TranslatableAdmin
from parler.forms import TranslatableModelForm
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.forms import TagWidget

from articles import presence, services
from articles.admin_widgets import EDITOR_SCRIPTS, PickerSelect
from articles.models import (
    Article,
    ArticleTranslation,
    AuthorProfile,
    MediaImage,
    Section,
    Tag,
    TaggedArticle,
)
from articles.richtext import sanitize_body
from newsroom.arabic import normalize

reversion.register(ArticleTranslation)
reversion.register(TaggedArticle)
reversion.register(Article, follow=("translations", "tagged_items"))


def thumbnail(image: MediaImage | None):
    if not image:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="64" height="40" class="midad-thumb" loading="lazy">', image.smallest_url
    )


@admin.register(Section)
class SectionAdmin(TranslatableAdmin):
    list_display = ["__str__", "position", "in_navigation", "article_count"]
    list_editable = ["position", "in_navigation"]
    search_fields = ["translations__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations").annotate(Count("articles"))

    @admin.display(description=_("المقالات"), ordering="articles__count")
    def article_count(self, section):
        return section.articles__count


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "slug"]
    search_fields = ["display_name", "user__username"]
    autocomplete_fields = ["photo"]
    raw_id_fields = ["user"]


@admin.register(MediaImage)
class MediaImageAdmin(admin.ModelAdmin):
    list_display = ["preview", "alt_text", "credit", "dimensions", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions"]
    fields = ["file", "preview", "dimensions", "alt_text", "caption", "credit"]

    @admin.display(description=_("معاينة"))
    def preview(self, image):
        return thumbnail(image if image.pk else None)

    @admin.display(description=_("الأبعاد"))
    def dimensions(self, image):
        return f"{image.width}×{image.height}" if image.width else "—"

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return obj.can_be_edited_by(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.can_be_edited_by(request.user)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, object_id)
        if image and request.method == "GET" and (refusal := image.edit_refusal(request.user)):
            self.message_user(request, refusal, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Tag.objects.none(), label=_("دمج الوسوم المحددة في"))

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "normalized"]
    readonly_fields = ["normalized"]
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("tagged_articles"))

    @admin.display(description=_("المقالات"), ordering="tagged_articles__count")
    def article_count(self, tag):
        return tag.tagged_articles__count

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset |= self.model.objects.filter(normalized__contains=normalize(search_term))
        return queryset, may_have_duplicates

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggest_view)
        return [path("suggest/", suggest, name="articles_tag_suggest"), *super().get_urls()]

    def suggest_view(self, request):
        """Existing tags matching what an editor is typing, spelling variants included."""
        if not self.has_view_permission(request):
            return JsonResponse({"results": []}, status=403)
        term = normalize(request.GET.get("q", ""))
        tags = self.model.objects.filter(normalized__contains=term) if term else self.model.objects.none()
        names = (
            tags.annotate(uses=Count("tagged_articles"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)
        )
        return JsonResponse({"results": list(names[:10])})

    @admin.action(description=_("دمج الوسوم المحددة"), permissions=["change"])
    def merge_tags(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("اختر وسمين أو أكثر للدمج."), messages.WARNING)
            return None
        form = MergeTagsForm(request.POST if "target" in request.POST else None, tags=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            moved = services.tag_merge(target=target, sources=queryset.exclude(pk=target.pk))
            moved_message = ngettext(
                "دُمجت الوسوم في «%(tag)s»؛ نُقل إليه مقال واحد.",
                "دُمجت الوسوم في «%(tag)s»؛ نُقل إليه %(count)d مقال.",
                moved,
            )
            self.message_user(request, moved_message % {"tag": target, "count": moved})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("دمج الوسوم"),
            "form": form,
            "tags": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated input, with suggestions of existing tags as one types."""

    template_name = "admin/articles/widgets/tag_input.html"

    class Media:
        js = [forms.Script("articles/admin/tag-suggest.js", type="module")]
        css = {"all": ["articles/admin/newsroom-admin.css"]}


def when(moment) -> str:
    return format_date(localtime(moment), "j F Y، H:i")


@dataclass
class Difference:
    label: str
    saved: str
    yours: str


@dataclass
class EditConflict:
    """Someone saved the article after this form was opened: what they saved, and how it differs
    from what this form holds."""

    saved_by: str | None
    saved_at: str | None
    differences: list[Difference]

    @property
    def message(self) -> str:
        if self.saved_by:
            happened = _("حفظ %(name)s هذا المقال في %(time)s بعد أن فتحته.") % {
                "name": self.saved_by,
                "time": self.saved_at,
            }
        else:
            happened = _("حُفظ هذا المقال بعد أن فتحته.")
        outcome = _(
            "لم يُحفظ تعديلك كي لا يضيع ما حُفظ قبله: ما كتبته باقٍ في النموذج، والفرق بين النسختين أدناه. "
            "احفظ مرة أخرى لتحل نسختك محل النسخة المحفوظة."
        )
        return f"{happened} {outcome}"


class ArticleAdminForm(TranslatableModelForm):
    # The version number the edit started from: a save based on an older one is refused (clean).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"tags": TagSuggestWidget}

    user = None  # set by ArticleAdmin.get_form
    conflict = None  # an EditConflict once clean() refused a stale edit

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        started_from = cleaned_data.get("version")
        # Restoring a revision posts no version: it overwrites on purpose.
        if self.instance.pk and started_from is not None:
            current = self.instance.locked_version()  # locked until this save commits
            if started_from != current:
                self.conflict = self._conflict()
                self.data = self.data.copy()
                self.data[self.add_prefix("version")] = current  # saving again goes on top of it
                raise forms.ValidationError(self.conflict.message, code="edit_conflict")
        return cleaned_data

    def _conflict(self) -> EditConflict:
        saved = Article.objects.language(self.instance.get_current_language()).get(pk=self.instance.pk)
        revision = saved.latest_revision()
        differences = []
        for name, field in self.fields.items():
            if name == "version" or name not in self.cleaned_data:
                continue
            saved_text = self._shown(name, self._saved_value(saved, name))
            your_text = self._shown(name, self.cleaned_data[name])
            if saved_text != your_text:
                differences.append(Difference(str(field.label), saved_text, your_text))
        return EditConflict(
            saved_by=presence.editor_name(revision.user) if revision and revision.user else None,
            saved_at=when(revision.date_created) if revision else None,
            differences=differences,
        )

    @staticmethod
    def _saved_value(article, name):
        if name == "tags":
            return list(article.tags.names())
        if name in article._parler_meta.get_all_fields():
            return article.safe_translation_getter(name)
        return getattr(article, name)

    @staticmethod
    def _shown(name, value) -> str:
        """A value as the comparison shows it: text, not markup or ids."""
        if name == "tags":
            return "، ".join(sorted(value))
        if name == "body":
            return strip_tags(sanitize_body(value or "").replace("</p>", "</p>\n"))
        try:
            field = Article._meta.get_field(name)
        except FieldDoesNotExist:
            field = ArticleTranslation._meta.get_field(name)
        if isinstance(field, BooleanField):
            return str(_("نعم") if value else _("لا"))
        return str(display_for_field(value, field, "—"))

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in Article.statuses_for(self.user):
            raise forms.ValidationError(
                _("لا تملك صلاحية نشر المقالات أو أرشفتها؛ اختر «مسودة» أو «قيد المراجعة» ليراجعه محرر.")
            )
        return status


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("ما الذي يجب تغييره قبل النشر؟"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("يراها الكاتب في أعلى المقال وفي قائمة مقالاته."),
    )


class SectionListFilter(admin.RelatedFieldListFilter):
    """Section names in one query (they are translated)."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.prefetch_related("translations")]


class TagListFilter(admin.SimpleListFilter):
    title = _("الوسم")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        # Counted on the tagging table's tag index alone: joining every use to its tag first
        # takes a quarter of a second in a 100,000-article archive.
        uses = TaggedArticle.objects.values("tag").annotate(uses=Count("tag")).order_by("-uses")
        most_used = [row["tag"] for row in uses[:30]]
        tags = Tag.objects.in_bulk(most_used)
        return [(tags[tag_id].slug, tags[tag_id].name) for tag_id in most_used]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


class MineListFilter(admin.SimpleListFilter):
    title = _("المُنشئ")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("مقالاتي"))]

    def queryset(self, request, queryset):
        return queryset.filter(created_by=request.user) if self.value() == "1" else queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin, TranslatableAdmin):
    form = ArticleAdminForm
    list_display = [
        "thumbnail",
        "title_column",
        "status_badge",
        "section",
        "author",
        "publish_column",
        "flags",
        "language_column",
    ]
    list_display_links = ["thumbnail", "title_column"]
    list_filter = [
        "status",
        ("section", SectionListFilter),
        "author",
        TagListFilter,
        MineListFilter,
        "is_breaking",
        "is_featured",
    ]
    list_select_related = ["section", "author", "featured_image"]
    search_fields = ["translations__title"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["section", "author", "featured_image"]
    actions = ["publish_selected", "archive_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body"]}),
        (_("الصورة"), {"fields": ["featured_image", "image_caption"]}),
        (_("التصنيف"), {"fields": ["section", "author", "tags"]}),
        (
            _("النشر"),
            {"fields": ["status", "publish_at", "is_featured", "comments_open"]},
        ),
        (_("خبر عاجل"), {"fields": ["is_breaking", "breaking_priority", "breaking_until"]}),
        (_("التحديثات والتصحيحات"), {"fields": ["update_note", "correction_note"], "classes": ["collapse"]}),
        (_("محركات البحث"), {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
    ]
    # Decisions that put something in front of readers belong to editors.
    EDITOR_ONLY_FIELDS = ["is_featured", "is_breaking", "breaking_priority", "breaking_until"]
    # django-reversion's pages that bring back a saved revision (of a live or a deleted article).
    RESTORE_VIEWS = {"articles_article_revision", "articles_article_recover"}

    class Media:
        css = {"all": ["articles/admin/newsroom-admin.css"]}
        js = EDITOR_SCRIPTS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("translations", "section__translations")
            .with_review_note()
        )

    def get_urls(self):
        heartbeat = self.admin_site.admin_view(require_POST(self.presence_view))  # staff only, never cached
        withdraw = self.admin_site.admin_view(require_POST(self.withdraw_view))
        send_back = self.admin_site.admin_view(self.send_back_view)
        return [
            path("<path:object_id>/presence/", heartbeat, name="articles_article_presence"),
            path("<path:object_id>/withdraw/", withdraw, name="articles_article_withdraw"),
            path("<path:object_id>/send-back/", send_back, name="articles_article_send_back"),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id, allowed) -> Article:
        """The article at `object_id` if `allowed(article, user)`, else a refusal."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not allowed(article, request.user):
            raise PermissionDenied
        return article

    def _back_to(self, article):
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        return HttpResponseRedirect(f"{change_url}?language={article.get_current_language()}")

    def withdraw_view(self, request, object_id):
        """The writer takes their article back from review (a draft again, theirs to edit)."""
        article = self._article_for(request, object_id, Article.can_be_withdrawn_by)
        services.withdraw_from_review(article, request.user)
        self.message_user(request, _("سُحب المقال من المراجعة وعاد مسودة تعدّلها."), messages.SUCCESS)
        return self._back_to(article)

    def send_back_view(self, request, object_id):
        """An editor returns an article under review to its writer, with a note on what to change."""
        article = self._article_for(request, object_id, Article.can_be_sent_back_by)
        form = SendBackForm(request.POST or None)
        if form.is_valid():
            services.send_back(article, request.user, form.cleaned_data["note"])
            self.message_user(
                request, _("أُعيد «%(title)s» إلى كاتبه مع ملاحظتك.") % {"title": article}, messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:index"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("إعادة المقال إلى كاتبه"),
            "form": form,
            "original": article,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/articles/article/send_back.html", context)

    def presence_view(self, request, object_id):
        """The heartbeat of an open change page: who else has this article open."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        others = presence.check_in(article.pk, request.user)
        return JsonResponse({"editors": others, "notice": presence.notice(others)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["presence_heartbeat"] = presence.HEARTBEAT_SECONDS
        if obj:
            note = obj.open_review_note()
            context.update(
                review_note=note,
                review_note_by=presence.editor_name(note.written_by) if note and note.written_by else "",
                can_withdraw=obj.can_be_withdrawn_by(request.user),
                can_send_back=obj.can_be_sent_back_by(request.user),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def restored_revision(self, request):
        """The revision being brought back, on django-reversion's restore pages (else None)."""
        match = request.resolver_match
        if match.url_name not in self.RESTORE_VIEWS:
            return None
        return Version.objects.select_related("revision").get(pk=match.args[-1]).revision

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and self.restored_revision(request):  # reverted to it already, in this transaction
            self._reattach_restored_tags(request, unquote(object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _reattach_restored_tags(self, request, article_id):
        restored = services.reattach_restored_tags(article_id)
        if restored.merged_into:
            names = "، ".join(tag.name for tag in restored.merged_into)
            self.message_user(
                request,
                _("دُمجت بعض وسوم هذه النسخة بعد حفظها، فحلّت محلها الوسوم التي دُمجت فيها: %(tags)s.")
                % {"tags": names},
                messages.WARNING,
            )
        if restored.dropped:
            self.message_user(request, _("حُذفت بعض وسوم هذه النسخة بعد حفظها، فلم تُستعد."), messages.WARNING)

    def response_change(self, request, obj):
        revision = self.restored_revision(request)
        if revision is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _("استُعيد المقال «%(title)s» كما حُفظ في %(time)s.")
            % {"title": obj, "time": when(revision.date_created)},
            messages.SUCCESS,
        )
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        return HttpResponseRedirect(f"{change_url}?language={obj.get_current_language()}")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        """Someone who may only look at an article (a writer's piece under review) reads its
        body rendered, not as the editor's HTML source."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": ["body_preview" if field == "body" else field for field in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description=_("النص"))
    def body_preview(self, article):
        language = article.get_current_language()
        with override(language):
            direction = "rtl" if get_language_bidi() else "ltr"
        body = sanitize_body(article.safe_translation_getter("body", default=""))
        return format_html(
            '<div class="midad-body-preview" lang="{}" dir="{}">{}</div>',
            language,
            direction,
            mark_safe(body),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.publish_article"):
            readonly += self.EDITOR_ONLY_FIELDS
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The writer is credited by default; only editors credit someone else (a journalist's
        field is disabled: whatever a request posts for it is ignored)."""
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", PickerSelect(db_field, self.admin_site, using=kwargs.get("using")))
        if db_field.name == "author":
            if request.user.has_perm("articles.publish_article"):
                kwargs["initial"] = AuthorProfile.objects.filter(user=request.user).first()
            else:
                kwargs.update(initial=AuthorProfile.of(request.user), disabled=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            allowed = Article.statuses_for(request.user)
            kwargs["choices"] = [choice for choice in Article.Status.choices if choice[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return obj.can_be_edited_by(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.delete_article") and request.user.has_perm(
            "articles.publish_article"
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.status == Article.Status.REVIEW and "status" in form.changed_data:
            services.submit_for_review(obj)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("الصورة"))
    def thumbnail(self, article):
        return thumbnail(article.featured_image)

    @admin.display(description=_("العنوان"))
    def title_column(self, article):
        title = article.safe_translation_getter("title", any_language=True)
        if not article.review_note:
            return title
        return format_html(
            '{}<span class="midad-review-note__brief"><strong>{}</strong> <span dir="auto">{}</span></span>',
            title,
            _("أعاده المحرر:"),
            Truncator(article.review_note).chars(90),
        )

    @admin.display(description=_("موعد النشر"), ordering="publish_at")
    def publish_column(self, article):
        if not article.publish_at:
            return "—"
        moment = localtime(article.publish_at)
        return format_html(
            '<time datetime="{}">{}<br>{}</time>',
            moment.isoformat(timespec="seconds"),
            format_date(moment, "j N Y"),
            format_date(moment, "H:i"),
        )

    @admin.display(description=_("الحالة"), ordering="status")
    def status_badge(self, article):
        state = "scheduled" if article.is_scheduled else article.status
        return format_html(
            '<span class="midad-status midad-status--{}">{}</span>', state, article.display_status
        )

    @admin.display(description=_("إشارات"))
    def flags(self, article):
        badges = [
            (article.is_breaking, "breaking", _("عاجل")),
            (article.is_featured, "featured", _("رئيسية")),
        ]
        return format_html_join(
            " ",
            '<span class="midad-flag midad-flag--{}">{}</span>',
            ((kind, label) for on, kind, label in badges if on),
        )

    def _set_status(self, request, queryset, status, done_message):
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(str(done_message))
            for article in queryset:
                article.status = status
                article.save()
        self.message_user(request, f"{done_message} ({queryset.count()})")

    @admin.action(description=_("نشر المقالات المحددة"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, _("نُشرت المقالات"))

    @admin.action(description=_("أرشفة المقالات المحددة"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._set_status(request, queryset, Article.Status.ARCHIVED, _("أُرشفت المقالات"))
