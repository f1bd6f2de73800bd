"""The live desk: a focused page where journalists and editors post to a coverage, on a
phone as well as a desk. Part of the admin (its header, login and permissions); never cached.

Journalists post to coverages an editor opened and edit their own entries; editors open and
end coverages, pin, edit and delete any entry (`live.manage_coverage`).
"""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from live.forms import EntryAction, EntryEditForm, EntryForm, OpenCoverageForm
from live.models import LiveCoverage, LiveEntry, can_manage

DESK_ENTRIES = 30


def desk_required(view):
    """Anonymous visitors and non-staff go to the admin's login; staff without the live
    desk's permission get 403."""
    guarded = permission_required("live.view_livecoverage", raise_exception=True)(never_cache(view))
    return staff_member_required(guarded)


def manager_only(request) -> None:
    if not can_manage(request.user):
        raise PermissionDenied(_("هذا الإجراء للمحررين."))


def desk_page(request, template: str, **context):
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "can_manage": can_manage(request.user), **context},
    )


@desk_required
def index(request):
    """The coverages, live first; editors open a new one here."""
    form = OpenCoverageForm(request.POST or None) if can_manage(request.user) else None
    if request.method == "POST":
        manager_only(request)
        if form.is_valid():
            coverage = LiveCoverage.open(form.cleaned_data["article"], request.user)
            messages.success(request, _("فُتحت التغطية المباشرة."))
            return redirect(coverage.get_desk_url())
    return desk_page(
        request,
        "live/desk/index.html",
        title=_("التغطيات المباشرة"),
        coverages=LiveCoverage.objects.for_desk(),
        form=form,
    )


@desk_required
def desk(request, pk: int):
    """One coverage: the composer on top, the latest entries below."""
    coverage = get_object_or_404(LiveCoverage.objects.select_related("article"), pk=pk)
    refusal = coverage.posting_refusal(request.user)
    form = EntryForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            entry = form.save(commit=False)
            entry.coverage, entry.author = coverage, request.user
            entry.set_pinned(form.cleaned_data.get("is_pinned", False))
            messages.success(request, _("نُشر التحديث."))
            return redirect(coverage.get_desk_url())
    entries = coverage.entries.for_reader()[:DESK_ENTRIES]
    for entry in entries:
        entry.editable = entry.can_be_edited_by(request.user)
    return desk_page(
        request,
        "live/desk/desk.html",
        title=str(coverage),
        coverage=coverage,
        form=form,
        refusal=refusal,
        entries=entries,
    )


@desk_required
def edit(request, pk: int):
    entry = get_object_or_404(LiveEntry.objects.visible().select_related("coverage__article"), pk=pk)
    if not entry.can_be_edited_by(request.user):
        raise PermissionDenied(_("لا تعدّل إلا تحديثاتك؛ اطلب من محرر تعديل هذا التحديث."))
    form = EntryEditForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        entry.edit(request.user, **{name: form.cleaned_data[name] for name in form.changed_data})
        messages.success(request, _("عُدّل التحديث، وتظهر ملاحظة التصحيح للقراء."))
        return redirect(entry.coverage.get_desk_url())
    return desk_page(
        request,
        "live/desk/edit.html",
        title=_("تعديل تحديث"),
        entry=entry,
        coverage=entry.coverage,
        form=form,
    )


@desk_required
@require_POST
def entry_action(request, pk: int):
    """Pin, unpin or delete an entry (editors)."""
    manager_only(request)
    entry = get_object_or_404(LiveEntry.objects.visible().select_related("coverage"), pk=pk)
    form = EntryAction(request.POST)
    if form.is_valid():
        messages.success(request, form.apply(entry, request.user))
    return redirect(entry.coverage.get_desk_url())


@desk_required
@require_POST
def end(request, pk: int):
    manager_only(request)
    coverage = get_object_or_404(LiveCoverage, pk=pk, state=LiveCoverage.State.LIVE)
    coverage.end(request.user)
    messages.success(request, _("انتهت التغطية؛ تبقى صفحتها بتحديثاتها كلها."))
    return redirect(coverage.get_desk_url())
