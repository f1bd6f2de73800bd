"""The moderation console: Coral's queues, Disqus's one-key triage, WordPress's rules.

Staff with `comments.moderate_comment` see comments by queue, decide on one or many at a
time, and look after a commenter (block, export, erase). Every decision goes through
`services.comment_moderate`, so it is recorded (who, when, from → to), can be undone by
another decision, and refreshes counts and cached pages. This is the only place where
commenters' email addresses are shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from comments import services
from comments.models import BlockedCommenter, Comment, CommentReport, ModerationDecision
from comments.moderation import LINK, approved_before

PER_PAGE = 50
COUNT_UP_TO = 1000  # a tab holding more says "1000+"
Status = Comment.Status


# --- What a row shows ------------------------------------------------------------------------
def link_count():
    """moderation.link_count in SQL: the links in the text, and the website."""
    links_in_text = models.Func(
        "text", models.Value(LINK.pattern), models.Value(1), models.Value("i"),
        function="regexp_count", output_field=models.IntegerField(),
    )  # fmt: skip
    return links_in_text + models.Case(models.When(website="", then=0), default=1)


def with_moderation_info(comments):
    """What the console shows of each comment, in a fixed number of queries: the article and
    its titles, every decision (newest first), the reports and their reasons, how many links,
    and whether the commenter is known (the moderation policy's definition) at the time of
    this comment."""
    reports = (
        CommentReport.objects.filter(comment=models.OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    newest_first = ModerationDecision.objects.select_related("moderator").order_by("-created_at", "-pk")
    history = models.Prefetch("decisions", queryset=newest_first, to_attr="history")
    return (
        comments.select_related("article", "parent")
        .prefetch_related("article__translations", history, "reports")
        .annotate(
            report_count=Coalesce(models.Subquery(reports), 0),
            known_commenter=models.Exists(
                approved_before(models.OuterRef("email"), models.OuterRef("created_at"))
            ),
            link_count=link_count(),
        )
    )


def likely_fine_first(comments):
    """After with_moderation_info(): comments no rule flagged first, then those of known
    commenters, then those with fewer links, then the oldest."""
    return comments.order_by("flagged", models.F("known_commenter").desc(), "link_count", "created_at", "pk")


# --- Queues --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    select: Callable[[], QuerySet]  # the queue's comments


QUEUES = (
    Queue("pending", gettext_lazy("بانتظار المراجعة"), lambda: Comment.objects.pending()),
    Queue("reported", gettext_lazy("المُبلَّغ عنها"), lambda: Comment.objects.reported()),
    Queue("spam", gettext_lazy("مزعجة"), lambda: Comment.objects.filter(status=Status.SPAM)),
    Queue("approved", gettext_lazy("منشورة"), lambda: Comment.objects.approved()),
    Queue("rejected", gettext_lazy("مرفوضة"), lambda: Comment.objects.filter(status=Status.REJECTED)),
)
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}
ORDERS = {"newest": gettext_lazy("الأحدث أولاً"), "likely": gettext_lazy("الأرجح سلامةً أولاً")}


@dataclass(frozen=True)
class ConsoleQuery:
    """The tab, order and filters of the console, read from the query string."""

    queue: Queue
    order: str
    article_id: int | None
    reason: str

    @classmethod
    def from_request(cls, request) -> "ConsoleQuery":
        article = request.GET.get("article", "")
        return cls(
            queue=QUEUES_BY_SLUG.get(request.GET.get("tab", ""), QUEUES[0]),
            order=request.GET.get("order") if request.GET.get("order") in ORDERS else "newest",
            article_id=int(article) if article.isdigit() else None,
            reason=request.GET.get("reason", "").strip()[:200],
        )

    def filter(self, comments):
        if self.article_id:
            comments = comments.filter(article_id=self.article_id)
        if self.reason:
            comments = comments.filter(held_reason__icontains=self.reason)
        return comments

    def comments(self):
        """The rows of the current tab, with everything a row shows, in its order."""
        comments = with_moderation_info(self.filter(self.queue.select()))
        if self.order == "likely":
            return likely_fine_first(comments)
        return comments.order_by("-created_at", "-pk")

    def counts(self) -> list[tuple[Queue, int]]:
        """How many comments each tab holds under the current filters, up to COUNT_UP_TO (one
        query each, from indexes): counting a million published comments would take longer
        than the whole page."""
        return [(queue, self.filter(queue.select()).order_by()[:COUNT_UP_TO].count()) for queue in QUEUES]


# --- Decisions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    label: str
    key: str  # its keyboard shortcut (console.js)
    done: str  # the message after it, with %(count)d

    def changes(self, comment: Comment) -> dict:
        """What `comment_moderate` is asked to change. A featured comment is a public one."""
        if self.name == "feature":
            return {
                "featured": True,
                "status": None if comment.status == Status.APPROVED else Status.APPROVED,
            }
        if self.name == "unfeature":
            return {"featured": False}
        return {
            "status": {"approve": Status.APPROVED, "reject": Status.REJECTED, "spam": Status.SPAM}[self.name]
        }


ACTIONS = {
    action.name: action
    for action in (
        Action("approve", gettext_lazy("قبول"), "a", gettext_lazy("عدد التعليقات التي قُبلت ونُشرت: %(count)d")),
        Action("reject", gettext_lazy("رفض"), "r", gettext_lazy("عدد التعليقات التي رُفضت: %(count)d")),
        Action("spam", gettext_lazy("مزعج"), "s", gettext_lazy("عدد التعليقات التي عُدّت مزعجة: %(count)d")),
        Action("feature", gettext_lazy("تمييز"), "f", gettext_lazy("عدد التعليقات التي مُيّزت: %(count)d")),
        Action("unfeature", gettext_lazy("إلغاء التمييز"), "f", gettext_lazy("عدد التعليقات التي أُلغي تمييزها: %(count)d")),
    )
}  # fmt: skip
KEEP = gettext_lazy("إبقاء منشوراً")  # "approve" on a reported comment: the reports are dismissed


@dataclass(frozen=True)
class RowAction:
    action: Action
    label: str
    value: str  # what the row's button posts as "one"


def row_actions(comment: Comment) -> list[RowAction]:
    """The one-click decisions that would change something for this comment."""
    names = []
    if comment.status != Status.APPROVED or comment.report_count:
        names.append("approve")
    names += [
        name
        for name, status in (("reject", Status.REJECTED), ("spam", Status.SPAM))
        if comment.status != status
    ]
    names.append("unfeature" if comment.is_featured else "feature")
    return [
        RowAction(
            ACTIONS[name],
            KEEP if name == "approve" and comment.status == Status.APPROVED else ACTIONS[name].label,
            f"{name}:{comment.pk}",
        )
        for name in names
    ]  # fmt: skip


def decide(comments, action: Action, moderator) -> int:
    """Apply one decision to many comments, each recorded on its own; returns how many."""
    with transaction.atomic():
        for comment in comments:
            services.comment_moderate(comment=comment, moderator=moderator, **action.changes(comment))
    return len(comments)


# --- Access ----------------------------------------------------------------------------------
def moderator_required(view):
    """Anonymous visitors and non-staff go to the admin's login; staff without the
    permission get 403. Nothing here is ever cached."""
    guarded = permission_required("comments.moderate_comment", raise_exception=True)(never_cache(view))
    return staff_member_required(guarded)


def console_context(request, **context) -> dict:
    """The admin's own context (header, sidebar, user tools), so the console is part of it."""
    return {
        **admin.site.each_context(request),
        "can_edit_settings": request.user.has_perm("comments.view_moderationsettings"),
        "can_edit_blocks": request.user.has_perm("comments.view_blockedcommenter"),
        **context,
    }


def back_to(request, fallback: str) -> str:
    """Where a POST returns: the page it came from (same tab, filters and page) if local."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def with_row_actions(comments):
    for comment in comments:
        comment.actions = row_actions(comment)
    return comments


# --- Views -----------------------------------------------------------------------------------
@moderator_required
@require_GET
def queue(request):
    query = ConsoleQuery.from_request(request)
    page = Paginator(query.comments(), PER_PAGE).get_page(request.GET.get("page"))
    with_row_actions(page.object_list)
    article = Article.objects.filter(pk=query.article_id).first() if query.article_id else None
    return TemplateResponse(
        request,
        "comments/console/queue.html",
        console_context(
            request,
            title=_("الإشراف على التعليقات"),
            query=query,
            tabs=query.counts(),
            count_up_to=COUNT_UP_TO,
            orders=ORDERS.items(),
            filtered_article=article,
            page=page,
            comments=page.object_list,
            bulk_actions=ACTIONS.values(),
        ),
    )


@moderator_required
@require_POST
def moderate(request):
    """One-click (`one` = "action:id") and bulk (`action` + `selected` ids) decisions."""
    fallback = reverse("comments:queue")
    if one := request.POST.get("one"):
        name, _sep, pk = one.partition(":")
        ids = [pk]
    else:
        name, ids = request.POST.get("action", ""), request.POST.getlist("selected")
    action = ACTIONS.get(name)
    ids = [pk for pk in ids if pk.isdigit()]
    if action is None:
        messages.warning(request, _("اختر إجراءً لتطبيقه."))
    elif not ids:
        messages.warning(request, _("لم تحدد أي تعليق."))
    else:
        count = decide(list(Comment.objects.filter(pk__in=ids)), action, request.user)
        messages.success(request, action.done % {"count": count})
    return redirect(back_to(request, fallback))


# --- Commenter tools ---------------------------------------------------------------------
class CommenterForm(forms.Form):
    email = forms.EmailField()


class BlockForm(CommenterForm):
    kind = forms.ChoiceField(choices=BlockedCommenter.Kind.choices)
    with_ip = forms.BooleanField(required=False)


class EraseForm(CommenterForm):
    confirmed = forms.BooleanField(required=False)


def commenter_email(data) -> str:
    form = CommenterForm(data)
    if not form.is_valid():
        raise Http404(_("لا يوجد معلّق بهذا البريد."))
    return form.cleaned_data["email"].strip().lower()


def commenter_url(email: str) -> str:
    return reverse("comments:commenter") + "?" + urlencode({"email": email})


@moderator_required
@require_GET
def commenter(request):
    email = commenter_email(request.GET)
    comments = with_row_actions(
        list(with_moderation_info(Comment.objects.by_email(email)).order_by("-created_at", "-pk"))
    )
    latest = comments[0] if comments else None
    return TemplateResponse(
        request,
        "comments/console/commenter.html",
        console_context(
            request,
            title=_("تعليقات معلّق"),
            email=email,
            comments=comments,
            latest=latest,
            blocks=BlockedCommenter.objects.filter(
                Q(email__iexact=email) | Q(ip_hash__in=[c.ip_hash for c in comments if c.ip_hash])
            ),
            kinds=BlockedCommenter.Kind.choices,
            show_status=True,
            bulk_actions=ACTIONS.values(),
        ),
    )


@moderator_required
@require_POST
def commenter_block(request):
    form = BlockForm(request.POST)
    if not form.is_valid():
        raise Http404(_("لا يوجد معلّق بهذا البريد."))
    email, kind = form.cleaned_data["email"].lower(), form.cleaned_data["kind"]
    note = _("من لوحة الإشراف: %(user)s") % {"user": request.user.get_username()}
    blocks = services.commenter_block(email, kind, with_ip=form.cleaned_data["with_ip"], note=note)
    if kind == BlockedCommenter.Kind.BANNED:
        message = _("حُظر المعلّق؛ ستُرفض تعليقاته القادمة (القيود: %(count)d).")
    else:
        message = _("ستُحتجز تعليقات هذا المعلّق للمراجعة دائماً (القيود: %(count)d).")
    messages.success(request, message % {"count": len(blocks)})
    return redirect(commenter_url(email))


@moderator_required
@require_GET
def commenter_export(request):
    email = commenter_email(request.GET)
    response = JsonResponse(
        services.commenter_export(email), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = content_disposition_header(True, f"midad-commenter-{email}.json")
    return response


@moderator_required
@require_POST
def commenter_erase(request):
    """Erase everything of one commenter: the first POST asks to confirm, the second erases."""
    form = EraseForm(request.POST)
    if not form.is_valid():
        raise Http404(_("لا يوجد معلّق بهذا البريد."))
    email = form.cleaned_data["email"].lower()
    if not form.cleaned_data["confirmed"]:
        comments = Comment.objects.by_email(email)
        return TemplateResponse(
            request,
            "comments/console/erase_confirm.html",
            console_context(
                request,
                title=_("حذف بيانات معلّق"),
                email=email,
                comment_count=comments.count(),
                reply_count=Comment.objects.filter(parent__in=comments).exclude(email__iexact=email).count(),
            ),
        )
    count = services.commenter_erase(email)
    messages.success(request, _("حُذفت بيانات المعلّق؛ عدد التعليقات المحذوفة: %(count)d") % {"count": count})
    return redirect("comments:queue")
