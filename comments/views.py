"""Readers post and report comments here; the article page shows them (templatetags)."""

import json
from contextlib import suppress
from functools import cached_property

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django.views.generic import View

from articles.models import Article
from articles.views import ArticleDetailView, find_by_slug
from comments.browser import PENDING_SESSION_KEY, REMEMBER_COOKIE, REMEMBER_SECONDS
from comments.forms import FORM_EXPIRED, CommentForm, ReportForm
from comments.models import Comment, ip_hash
from comments.services import CommentDiscarded, CommentRefused, comment_create, comment_report
from newsroom.cache_backend import CacheUnavailable
from newsroom.errors import recoverable_fields
from newsroom.http import client_ip

UNREADABLE = gettext_lazy("تعذّرت علينا قراءة النموذج المرسل، فلم يُحفظ تعليقك.")
UNPARSED_REASONS = {
    RequestDataTooBig: gettext_lazy("ما أرسلته أكبر بكثير مما يقبله الموقع، فلم يُحفظ تعليقك."),
    TooManyFieldsSent: gettext_lazy("وصلنا النموذج بحقول أكثر مما يقبله الموقع، فلم يُحفظ تعليقك."),
}
DISCARDED_COUNTER = "comments:discarded"


class CommentPostView(View):
    """POST a comment to an article: redirect back on success (POST/redirect/GET), or the
    article page again with the form, its Arabic errors and everything the reader typed."""

    http_method_names = ["post"]

    @cached_property
    def article(self):
        """The article commented on, as the reader may open it, read from the database."""
        articles = Article.objects.visible_to(self.request.user).for_page()
        return find_by_slug(articles, self.kwargs["slug"], get_language())

    def post(self, request, *args, **kwargs):
        article = self.article
        form = CommentForm(request.POST)
        if not form.is_valid():
            return article_page_with(request, article, form, status=400)
        data = form.cleaned_data
        parent = Comment.objects.approved().filter(article=article, pk=data.get("parent")).first()
        try:
            comment = comment_create(
                article=article, name=data["name"], email=data["email"], text=data["text"], website=data["website"],
                parent=parent, ip_hash=ip_hash(client_ip(request)), user=request.user,
                user_agent=request.headers.get("User-Agent", ""), honeypot=data["homepage"],
                fill_seconds=form.fill_seconds,
            )  # fmt: skip
        except CommentDiscarded:  # looks automated: look like success
            count_discarded()
            return redirect(article.get_absolute_url() + "#comments")
        except CommentRefused as refusal:
            form.add_error(None, refusal.message)
            return article_page_with(request, article, form, status=refusal.status)

        if comment.status == Comment.Status.APPROVED:
            messages.success(request, _("شكراً! نُشر تعليقك."))
        else:
            request.session[PENDING_SESSION_KEY] = [*request.session.get(PENDING_SESSION_KEY, []), comment.pk]
            messages.info(request, _("شكراً! تعليقك بانتظار المراجعة، وسيظهر للقراء بعد موافقة المشرفين."))
        response = redirect(article.get_absolute_url() + f"#comment-{comment.pk}")
        if data["remember"]:
            payload = json.dumps({"name": data["name"], "email": data["email"]})
            response.set_signed_cookie(
                REMEMBER_COOKIE, payload, salt=REMEMBER_COOKIE, max_age=REMEMBER_SECONDS, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        else:
            response.delete_cookie(REMEMBER_COOKIE)
        return response

    def unverified(self):
        """The answer to a post that failed the CSRF check (see newsroom/views.py): nothing is
        saved; the form comes back with everything typed and a message."""
        form = CommentForm(self.request.POST)
        if str(FORM_EXPIRED) not in form.non_field_errors():  # clean() may have said it already
            form.add_error(None, FORM_EXPIRED)
        return article_page_with(self.request, self.article, form, status=403)

    def unparsed(self, exception, status):
        """The answer to a post whose body Django refused before the view (see
        newsroom/errors.py): nothing is saved; the form comes back with what could be read
        of it, or says that nothing could."""
        sent = recoverable_fields(self.request) or {}
        form = CommentForm(sent)
        form.add_error(None, UNPARSED_REASONS.get(type(exception), UNREADABLE))
        if any(sent.get(name) for name in ("name", "email", "website", "text")):
            form.add_error(None, _("أعدنا إليك ما استطعنا قراءته مما كتبت؛ راجعه ثم أرسله مرة أخرى."))
        else:
            form.add_error(None, _("لم نتمكن من الاحتفاظ بما كتبت، فاكتبه مرة أخرى."))
        return article_page_with(self.request, self.article, form, status=status)


def article_page_with(request, article, form, status):
    """The article page with `form` (None: a fresh one), for this reader only: it may show the
    address they typed."""
    response = ArticleDetailView.page_for(request, article, status=status, comment_form=form)
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_post(view):
    """An error report must not carry a commenter's address: neither in the POST data nor in
    the local variables of any frame below the view (cleaned data, SQL parameters)."""
    return sensitive_variables()(sensitive_post_parameters("email", "name")(view))


comment_post = private_post(CommentPostView.as_view())


def answered_by(method: str):
    """`comment_post` for a post Django refused before the view ran (see the fallbacks in
    newsroom/errors.py): CommentPostView's `method` answers, with the fallback's arguments."""

    @private_post
    def fallback(request, *args, **kwargs):
        view = CommentPostView()
        view.setup(request, **kwargs)
        return getattr(view, method)(*args)

    return fallback


comment_post.csrf_fallback = answered_by("unverified")  # the CSRF check failed for a reader
comment_post.unparsed_fallback = answered_by("unparsed")  # Django could not parse the body


def count_discarded() -> None:
    """Silently dropped submissions are counted, for the moderation console: a rough count,
    so while the cache is down it is simply not kept."""
    with suppress(CacheUnavailable):
        if not cache.add(DISCARDED_COUNTER, 1, None):
            cache.incr(DISCARDED_COUNTER)


@require_POST
def report(request, pk):
    comment = get_object_or_404(Comment.objects.approved().select_related("article"), pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    elif comment_report(comment=comment, ip_hash=ip_hash(client_ip(request)), **form.cleaned_data):
        messages.info(request, _("شكراً، سيراجع المشرفون هذا التعليق."))
    else:
        messages.info(request, _("سبق أن أبلغت عن هذا التعليق."))
    return redirect(comment.article.get_absolute_url() + f"#comment-{comment.pk}")


def report_unverified(request, pk):
    """A report that failed the CSRF check (see newsroom/views.py): not counted; the article
    comes back with a message and a fresh token to report again."""
    comment = get_object_or_404(Comment.objects.approved(), pk=pk)
    messages.error(request, _("تعذّر التحقق من البلاغ، فلم يُرسَل. اضغط «إبلاغ» مرة أخرى إن أردت."))
    article = get_object_or_404(Article.objects.published().for_page(), pk=comment.article_id)
    return article_page_with(request, article, None, status=403)


report.csrf_fallback = report_unverified
