"""Reader pages. Every query starts from Article.objects.published() (or visible_to() for
editors previewing a draft)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView

from articles.models import Article, ArticleSlugRedirect, AuthorProfile, Section, Tag, TagRedirect

PAGE_SIZE = 12


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published().for_listing()
        return super().get_context_data(
            lead=published.filter(is_featured=True).first(),
            latest=published[:PAGE_SIZE],
            **kwargs,
        )


class ArticleDetailView(DetailView):
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_listing().prefetch_related("tags")

    def get_object(self, queryset=None):
        slug, language = self.kwargs["slug"], get_language()
        queryset = self.get_queryset()
        article = (
            queryset.filter(translations__language_code=language, translations__slug=slug).first()
            or queryset.filter(translations__slug=slug).first()
        )
        if article is None:
            raise Http404
        return article

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleSlugRedirect.objects.filter(
                language_code=get_language(), old_slug=kwargs["slug"]
            ).first()
            if moved and Article.objects.visible_to(request.user).filter(pk=moved.article_id).exists():
                return redirect(moved.article, permanent=True)
            raise
        if not self.object.is_public:
            add_never_cache_headers(response)  # a preview must never land in a shared cache
        return response


class ArticleListView(ListView):
    """Articles of one section, tag or author, newest first, paginated."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    heading = None  # the section, tag or author, set by each subclass

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class SectionView(ArticleListView):
    def get_queryset(self):
        self.heading = get_object_or_404(Section.objects.translated(slug=self.kwargs["slug"]))
        return super().get_queryset().filter(section=self.heading)


class AuthorView(ArticleListView):
    def get_queryset(self):
        self.heading = get_object_or_404(AuthorProfile, slug=self.kwargs["slug"])
        return super().get_queryset().filter(author=self.heading)


class TagView(ArticleListView):
    def get(self, request, *args, **kwargs):
        tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if tag is None:
            moved = get_object_or_404(TagRedirect.objects.select_related("tag"), old_slug=kwargs["slug"])
            return redirect(moved.tag, permanent=True)
        self.heading = tag
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.heading)
