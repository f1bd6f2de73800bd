"""The editorial admin: where journalists and editors spend their day."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin
from parler.forms import TranslatableModelForm
from reversion.admin import VersionAdmin
from taggit.forms import TagWidget

from articles import services
from articles.models import (
    Article,
    ArticleTranslation,
    AuthorProfile,
    MediaImage,
    Section,
    Tag,
    TaggedArticle,
)
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
            self.message_user(
                request, _("دُمجت الوسوم في «%(tag)s»؛ نُقل %(count)d مقال.") % {"tag": target, "count": moved}
            )
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
        js = ["articles/admin/tag-suggest.js"]
        css = {"all": ["articles/admin/newsroom-admin.css"]}


class ArticleAdminForm(TranslatableModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"tags": TagSuggestWidget}

    user = None  # set by ArticleAdmin.get_form

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in Article.statuses_for(self.user):
            raise forms.ValidationError(
                _("لا تملك صلاحية نشر المقالات أو أرشفتها؛ اختر «مسودة» أو «قيد المراجعة» ليراجعه محرر.")
            )
        return status


class SectionListFilter(admin.RelatedFieldListFilter):
    """Section names in one query (they are translated)."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.prefetch_related("translations")]


class TagListFilter(admin.SimpleListFilter):
    title = _("الوسم")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Tag.objects.annotate(uses=Count("tagged_articles")).filter(uses__gt=0).order_by("-uses")[:30]
        return [(tag.slug, tag.name) for tag in tags]

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
        "publish_at",
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

    class Media:
        css = {"all": ["articles/admin/newsroom-admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations", "section__translations")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.publish_article"):
            readonly += self.EDITOR_ONLY_FIELDS
        return readonly

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
        super().save_model(request, obj, form, change)

    @admin.display(description=_("الصورة"))
    def thumbnail(self, article):
        return thumbnail(article.featured_image)

    @admin.display(description=_("العنوان"))
    def title_column(self, article):
        return article.safe_translation_getter("title", any_language=True)

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
