"""Reader pages. Every query starts from Article.objects.published() (or visible_to() for
editors previewing a draft)."""

import hashlib
from functools import cached_property
from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.dates import MonthArchiveView

from articles import popularity
from articles.models import (
    Article,
    ArticleSlugRedirect,
    ArticleTranslation,
    AuthorProfile,
    Section,
    Tag,
    TagRedirect,
)
from articles.search import clean_query, search_articles
from articles.seo import breadcrumb_jsonld, breadcrumbs, news_article_jsonld
from newsroom import cachetags, fragments
from newsroom.cachetags import depends
from newsroom.http import client_ip
from newsroom.pagecache import PAGE_SECONDS

PAGE_SIZE = 12
SECTION_BLOCK_SIZE = 3


class HomeView(TemplateView):
    """The page is one cached region (templates/articles/home.html); these lists are read
    only when it is rendered."""

    template_name = "articles/home.html"

    @cached_property
    def published(self):
        return Article.objects.published().for_listing()

    @cached_property
    def lead(self):
        return self.published.filter(is_featured=True).first() or self.published.first()

    @cached_property
    def latest(self):
        return self.published.exclude(pk=getattr(self.lead, "pk", None))[:8]

    @cached_property
    def section_blocks(self):
        """The newest few articles of every section in the menu, in one query."""
        ranked = self.published.annotate(
            position=Window(RowNumber(), partition_by=F("section_id"), order_by=F("publish_at").desc())
        ).filter(position__lte=SECTION_BLOCK_SIZE, section__in_navigation=True)
        rows = sorted(ranked, key=lambda article: (article.section.position, article.section_id))
        return [(section, list(articles)) for section, articles in groupby(rows, key=lambda a: a.section)]


def ticker(request):
    """The ticker's list alone, fetched by the page every minute to refresh itself."""
    response = HttpResponse(fragments.current("ticker"))
    patch_cache_control(response, public=True, max_age=30, s_maxage=30)
    return response


class ArticleDetailView(DetailView):
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_page()

    def get_object(self, queryset=None):
        """The article whose slug in this edition's language is the one in the address."""
        slug, language = self.kwargs["slug"], get_language()
        if self.request.user.is_staff:  # a preview, or an editor who must see their save at once
            return find_by_slug(self.get_queryset(), slug, language)
        # Readers: the published article from the cache, expired with what it shows.
        key = f"article-object:{language}:{hashlib.sha256(slug.encode()).hexdigest()}"
        return cachetags.remember(
            key, lambda: find_by_slug(self.get_queryset(), slug, language).slimmed_for_cache(), PAGE_SECONDS
        )

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleSlugRedirect.objects.filter(
                language_code=get_language(), old_slug=kwargs["slug"]
            ).first()
            if moved and Article.objects.visible_to(request.user).filter(pk=moved.article_id).exists():
                return redirect(moved.article, permanent=True)
            if elsewhere := self.other_edition_url(kwargs["slug"]):
                return redirect(elsewhere)  # temporary: a translation may come, or go
            raise
        if not self.object.is_public:
            add_never_cache_headers(response)  # a preview must never land in a shared cache
        return response

    def other_edition_url(self, slug: str) -> str | None:
        """Where to read the article that has `slug` in another language: in this edition if
        it is translated, else in its own; None if there is no such article."""
        visible = Article.objects.visible_to(self.request.user, any_language=True)
        found = (
            ArticleTranslation.objects.filter(slug=slug, master__in=visible).select_related("master").first()
        )
        if found is None:
            return None
        urls = found.master.translation_urls
        return urls.get(get_language(), urls[found.language_code])

    @classmethod
    def page_for(cls, request, article: Article, status: int = 200, **context):
        """`article`'s page as this view renders it, with `context` added (a comment form
        sent back with its errors)."""
        view = cls()
        view.setup(request)
        view.object = article
        return view.render_to_response(view.get_context_data(object=article, **context), status=status)

    def get_context_data(self, **kwargs):
        article, absolute = self.object, self.request.build_absolute_uri
        return super().get_context_data(
            translation_urls={code: absolute(url) for code, url in article.translation_urls.items()},
            # Shown in cached regions only: built when one of them renders.
            canonical_url=SimpleLazyObject(lambda: absolute(article.get_absolute_url())),
            **kwargs,
        )

    # Read by the page's cached regions only when they are rendered.
    @cached_property
    def share_image_url(self):
        image = self.object.featured_image
        return self.request.build_absolute_uri(image.share_url) if image else ""

    @cached_property
    def related(self):
        return self.object.related()

    @cached_property
    def structured_data(self):
        return news_article_jsonld(self.object, self.request)

    @cached_property
    def breadcrumbs(self):
        return breadcrumbs(self.object)

    @cached_property
    def breadcrumb_data(self):
        return breadcrumb_jsonld(self.breadcrumbs, self.request)

    @cached_property
    def neighbours(self):
        return self.object.neighbours_in_section()


def find_by_slug(articles, slug: str, language: str) -> Article:
    """The article whose slug in `language` is `slug`; 404 when none (nothing is cached then:
    an article published at that address must appear at once)."""
    article = articles.filter(translations__language_code=language, translations__slug=slug).first()
    if article is None:
        raise Http404
    depends(*article.cache_tags, *article.author.cache_tags, *article.comment_cache_tags)  # comment_count
    return article


class ArticleListView(ListView):
    """Articles of one section, tag or author, newest first, paginated."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    heading = None  # the section, tag or author, set by each subclass
    feed_url = None

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        depends(*self.heading.cache_tags, self.heading.list_cache_tag)
        return super().get_context_data(heading=self.heading, feed_url=self.feed_url, **kwargs)


class SectionView(ArticleListView):
    def get_queryset(self):
        sections = Section.objects.filter(translations__slug=self.kwargs["slug"]).distinct()  # any language
        self.heading = get_object_or_404(sections)
        self.feed_url = reverse("feed_section", kwargs={"slug": self.kwargs["slug"]})
        return super().get_queryset().filter(section=self.heading)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.heading = get_object_or_404(
            AuthorProfile.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(author=self.heading)


class TagView(ArticleListView):
    def get(self, request, *args, **kwargs):
        tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if tag is None:
            moved = get_object_or_404(TagRedirect.objects.select_related("tag"), old_slug=kwargs["slug"])
            return redirect(moved.tag, permanent=True)
        self.heading = tag
        self.feed_url = reverse("feed_tag", kwargs={"slug": tag.slug})
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.heading)


class ArchiveMonthView(MonthArchiveView):
    template_name = "articles/archive_month.html"
    context_object_name = "articles"
    date_field = "publish_at"
    month_format = "%m"
    paginate_by = PAGE_SIZE
    allow_empty = True

    def get_queryset(self):
        depends(f"list:archive:{int(self.kwargs['year']):04d}-{int(self.kwargs['month']):02d}")
        return Article.objects.published().for_listing()


class ArchiveIndexView(TemplateView):
    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        depends("list:latest")
        months = Article.objects.published().dates("publish_at", "month", order="DESC")
        return super().get_context_data(months=months, **kwargs)


class SearchView(ListView):
    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        depends("everything")
        return search_articles(self.query, language=get_language()).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


@csrf_exempt  # a view beacon carries no user state; the same-origin check below stands in
@require_POST
def record_view(request, pk):
    """Counts one reader view of an article, sent by the page's script (never cached)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return HttpResponseBadRequest()
    popularity.record_view(pk, request.headers.get("User-Agent", ""), client_ip(request))
    return HttpResponse(status=204)
