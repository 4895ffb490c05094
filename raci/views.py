"""RACI pages: the matrix editor, its cell updates, share links and the stakeholder page."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from backlog.models import Task
from mopsboard.exports import spreadsheet_safe
from mopsboard.rendering import render_page
from raci import services
from raci.filters import MatrixFilter
from raci.forms import CellForm, ShareLinkForm
from raci.models import Person, Role, ShareLink
from raci.selectors import (
    Matrix,
    cell_html,
    matrix_row,
    page_problems,
    page_problems_for,
    raci_matrix,
    team_hints,
)

can_view_raci = permission_required("raci.view_assignment", raise_exception=True)
can_edit_raci = permission_required("raci.change_assignment", raise_exception=True)
can_share = permission_required("raci.add_sharelink", raise_exception=True)
# Rows a matrix page may show: ?per_page=200 puts a whole programme on one printout.
PAGE_SIZES = {"25", "50", "100", "200"}


def _matrix_tasks(matrix_filter: MatrixFilter):
    return matrix_filter.qs.select_related("requester").defer("description").by_priority()


def _matrix_page(request) -> dict:
    """The filtered, paged matrix a request asks for (the page and a cell update share it)."""
    matrix_filter = MatrixFilter(request.GET, queryset=Task.objects.all())
    per_page = request.GET.get("per_page", "")
    per_page = int(per_page) if per_page in PAGE_SIZES else settings.MOPSBOARD_RACI_PAGE_SIZE
    page = Paginator(_matrix_tasks(matrix_filter), per_page).get_page(request.GET.get("page"))
    grid = raci_matrix(list(page))
    return {"filter": matrix_filter, "page": page, "matrix": grid, "problems": page_problems(grid)}


@require_GET
@login_required
@can_view_raci
def matrix(request):
    context = _matrix_page(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "raci/matrix.html",
        {
            **context,
            "query": query.urlencode(),
            "page_sizes": sorted(map(int, PAGE_SIZES)),
            "roles": Role,
            "can_edit": request.user.has_perm("raci.change_assignment"),
            "can_share": request.user.has_perm("raci.add_sharelink"),
        },
        partial="raci-matrix",
        status=200 if context["filter"].is_valid() else 400,
    )


@require_GET
@login_required
@can_view_raci
def team_hints_view(request):
    """Who carries too much or none of the open work: read over all of it, so the
    matrix loads it after the page rather than making every page wait."""
    return render(request, "raci/matrix.html#team-hints", {"team_hints": team_hints()})


@require_POST
@login_required
@can_edit_raci
def cell_update(request):
    """Set one cell; answer with the cell, its row's health and the summary."""
    form = CellForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for field in form.errors.values() for e in field)
        return _cell_problem(request, f"That change was not understood: {errors}", status=422)
    task = get_object_or_404(Task, pk=form.cleaned_data["task"])
    person = get_object_or_404(Person, pk=form.cleaned_data["person"])
    role, status, moved = form.cleaned_data["role"], 200, None
    try:
        moved = services.assignment_set(
            task=task,
            person=person,
            role=role,
            expected=form.cleaned_data["expected"],
            move_accountable=form.cleaned_data["move_accountable"],
            by=request.user,
        )
    except services.CellChanged as changed:
        role, status = changed.current, 409
        messages.error(
            request,
            f"Someone changed {person}'s role on “{task.title}” to "
            f"{Role(role).label if role else 'none'} meanwhile; yours was not saved.",
        )
    except services.AccountableTaken as taken:
        if not request.htmx:
            messages.error(request, f"{taken.holder.person} is Accountable for “{task.title}”.")
            return redirect(f"{reverse('raci:matrix')}?{request.GET.urlencode()}")
        response = render(
            request,
            "raci/matrix.html#accountable-confirm",
            {"task": task, "person": person, "holder": taken.holder, "form": form},
            status=409,
        )
        return reswap(retarget(response, "#raci-confirm"), "innerHTML")
    if not request.htmx:
        if status == 200:
            messages.success(request, f"{person} is now {role or 'off'} on “{task.title}”.")
        return redirect(f"{reverse('raci:matrix')}?{request.GET.urlencode()}")
    return render(
        request,
        "raci/matrix.html#cell-updated",
        {
            "task": task,
            "cell": cell_html(task.pk, person.pk, role),
            # The previous Accountable's cell changed too when the A moved.
            "moved_cell": moved and oob(cell_html(task.pk, moved[0].pk, moved[1])),
            "row": matrix_row(task),
            "problems": page_problems_for(form.cleaned_data["page_tasks"]),
            "oob": True,
        },
        status=status,
    )


def oob(cell: str) -> str:
    """The same cell, swapped out of band."""
    return mark_safe(cell.replace("<td ", '<td hx-swap-oob="true" ', 1))


def _cell_problem(request, message: str, *, status: int):
    messages.error(request, message)
    if not request.htmx:
        return redirect("raci:matrix")
    response = render(request, "base.html#messages", {}, status=status)
    return reswap(retarget(response, "#messages"), "outerHTML")


def _write_matrix_csv(response, grid: Matrix) -> None:
    writer = csv.writer(response)
    writer.writerow(
        ["id", "title", "quadrant", "status", *(spreadsheet_safe(p.name) for p in grid.people)]
    )
    for row in grid.rows:
        task = row.task
        writer.writerow(
            [
                task.pk,
                spreadsheet_safe(task.title),
                task.quadrant.value if task.quadrant else "",
                task.status,
                *(role for _, role in row.cells),
            ]
        )


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
@can_view_raci
def export(request):
    """The filtered matrix as CSV: one row per task, one column per person."""
    matrix_filter = MatrixFilter(request.GET, queryset=Task.objects.all())
    response = _csv_response("mopsboard-raci.csv")
    _write_matrix_csv(response, raci_matrix(list(_matrix_tasks(matrix_filter))))
    return response


@require_GET
@login_required
@can_share
def share_links(request):
    links = ShareLink.objects.select_related("created_by")
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "raci/share_links.html",
        {
            "page": page,
            "form": ShareLinkForm(),
            "query": request.GET.get("query", ""),
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
@can_share
def share_link_create(request):
    form = ShareLinkForm(request.POST)
    query = request.POST.get("query", "")
    if not MatrixFilter(QueryDict(query), queryset=Task.objects.none()).is_valid():
        form.add_error(None, "The filter to share was not understood; share from the matrix.")
    if not form.is_valid():
        links = ShareLink.objects.select_related("created_by")
        return render(
            request,
            "raci/share_links.html",
            {
                "page": Paginator(links, 50).get_page(1),
                "form": form,
                "query": query,
                "today": timezone.localdate(),
            },
            status=422,
        )
    link = services.share_link_create(by=request.user, query=query, **form.cleaned_data)
    messages.success(request, f"Share link for {link.label} created. Copy it from the list.")
    return redirect("raci:share-links")


@require_http_methods(["GET", "POST"])
@login_required
@can_share
def share_link_revoke(request, pk):
    """Ask first, then close the link for good."""
    link = get_object_or_404(ShareLink, pk=pk, revoked_at__isnull=True)
    if request.method == "GET":
        return render(request, "raci/share_link_revoke.html", {"link": link})
    services.share_link_revoke(link=link)
    messages.success(request, f"The link for {link.label} no longer opens.")
    return redirect("raci:share-links")


def _open_share_link(token: str) -> ShareLink:
    try:
        return ShareLink.open(token, today=timezone.localdate())
    except ShareLink.DoesNotExist as missing:
        raise Http404("This link is not valid: it may have expired or been revoked.") from missing


def _private(response):
    """A shared page is for the person holding the link: not cached, indexed or referred."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _shared_grid(link: ShareLink, person_id: str | None):
    matrix_filter = MatrixFilter(QueryDict(link.query), queryset=Task.objects.all())
    tasks = _matrix_tasks(matrix_filter)
    person = None
    if person_id and person_id.isdigit():
        person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        tasks = tasks.filter(assignments__person=person)
    return raci_matrix(list(tasks[: settings.MOPSBOARD_SHARED_TASK_LIMIT])), person


@require_GET
def shared(request, token):
    """The read-only matrix for stakeholders: no login, no forms, nothing to change."""
    link = _open_share_link(token)
    grid, person = _shared_grid(link, request.GET.get("person"))
    response = render(
        request,
        "raci/shared.html",
        {"link": link, "matrix": grid, "person": person, "roles": Role},
    )
    return _private(response)


@require_GET
def shared_export(request, token):
    link = _open_share_link(token)
    grid, _ = _shared_grid(link, request.GET.get("person"))
    response = _csv_response("raci.csv")
    _write_matrix_csv(response, grid)
    return _private(response)
