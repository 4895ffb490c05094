"""RACI pages: the matrix editor, its cell updates, a task page's RACI panel, share links
and the stakeholder page."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from backlog.models import Task
from mopsboard.errors import DomainError
from mopsboard.exports import csv_download
from mopsboard.forms import errors_text
from mopsboard.history import history_context
from mopsboard.links import link_revoke_page, links_page
from mopsboard.rendering import (
    done_undoably,
    get_goes_to,
    private_page,
    render_page,
    varies_on_htmx,
)
from mopsboard.reversing import reverse_ids
from people.models import Person
from raci import services
from raci.filters import MatrixFilter
from raci.forms import CellForm, LetterForm, ShareLinkForm, StakeholderRoleForm, TaskRoleForm
from raci.models import Role, ShareLink
from raci.selectors import (
    Matrix,
    cell_changed,
    page_problems,
    raci_matrix,
    team_hints,
)
from raci.task_page import TaskRaciPanel

can_view_raci = permission_required("raci.view_assignment", raise_exception=True)
can_edit_raci = permission_required("raci.change_assignment", raise_exception=True)
can_share = permission_required("raci.add_sharelink", raise_exception=True)
# Rows a matrix page may show: ?per_page=200 puts a whole programme on one printout.
PAGE_SIZES = {"25", "50", "100", "200"}


def _matrix_tasks(matrix_filter: MatrixFilter):
    return matrix_filter.qs.select_related("requester").defer("description").by_priority()


def _matrix_page(request) -> dict:
    """The filtered, paged matrix a request asks for (the page and a cell update share it)."""
    matrix_filter = MatrixFilter(request.GET, queryset=Task.objects.all(), request=request)
    per_page = request.GET.get("per_page", "")
    per_page = int(per_page) if per_page in PAGE_SIZES else settings.MOPSBOARD_RACI_PAGE_SIZE
    page = Paginator(_matrix_tasks(matrix_filter), per_page).get_page(request.GET.get("page"))
    grid = raci_matrix(list(page))
    return {"filter": matrix_filter, "page": page, "matrix": grid, "problems": page_problems(grid)}


@require_GET
@login_required
@can_view_raci
def matrix(request):
    return _matrix(request)


def _matrix(request, **extra):
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
            "can_edit": request.user.has_perm("raci.change_assignment"),
            "can_share": request.user.has_perm("raci.add_sharelink"),
            **extra,
        },
        partial="raci-matrix",
        status=200 if context["filter"].is_valid() else 422,
    )


@require_GET
@login_required
@can_view_raci
def team_hints_view(request):
    """Who carries too much or none of the open work: read over all of it, so the
    matrix loads it after the page rather than making every page wait. Asked for as a
    page (no htmx, the link it stands in for), it is the matrix with the hints in place."""
    if not request.htmx:
        return _matrix(request, team_hints=team_hints())
    return varies_on_htmx(
        render(request, "raci/matrix.html#team-hints", {"team_hints": team_hints()})
    )


@dataclass
class Letter:
    """How giving a person a letter went (_letter_give): the cell's role now, the previous
    Accountable and their role when the A moved, and the refusal, if it was refused."""

    person: Person
    role: str
    moved: tuple[Person, str] | None = None
    refusal: DomainError | None = None


def _letter_give(request, task, form: LetterForm, *, via: str, check_capacity=False) -> Letter:
    """Give the letter a valid `form` asks for on `task`, from the page `via` (the matrix
    or the task's page), with Undo offered; a refusal is said in the messages unless the
    htmx page asks about it (someone else Accountable, over their hours)."""
    person = get_object_or_404(Person, pk=form.cleaned_data["person"])
    role = form.cleaned_data["role"]
    try:
        with history_context(request.user, via=via, offers_undo=True) as change:
            moved = services.assignment_set(
                task=task,
                person=person,
                role=role,
                expected=form.cleaned_data["expected"],
                move_accountable=form.cleaned_data["move_accountable"],
                check_capacity=check_capacity,
                by=request.user,
                via=via,
            )
    except services.CellChanged as changed:
        messages.error(request, _changed_meanwhile(task, person, changed.current))
        return Letter(person, changed.current, refusal=changed)
    except (services.AccountableTaken, services.OverCapacity) as refusal:
        _refusal_said(request, task, refusal)
        return Letter(person, form.cleaned_data["expected"], refusal=refusal)
    done_undoably(request, _letter_given(task, person, role), change=str(change.id))
    return Letter(person, role, moved)


def _letter_given(task, person, role: str) -> str:
    return f"{person} is {f'now {role}' if role else 'off'} on “{task.title}”."


def _refusal_said(request, task, refusal: DomainError) -> None:
    """Someone else Accountable, or over their hours: a plain request is told in the
    messages; an htmx page asks whether to give the letter all the same instead."""
    if request.htmx:
        return
    if isinstance(refusal, services.AccountableTaken):
        messages.error(request, _accountable_taken(task, refusal))
    else:
        messages.error(request, refusal.message)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("raci:matrix")
@can_edit_raci
def cell_update(request):
    """Set one cell; answer with the cell, its row's health and the summary."""
    form = CellForm(request.POST)
    if not form.is_valid():
        return _cell_problem(
            request, f"That change was not understood: {errors_text(form)}", status=422
        )
    task = get_object_or_404(Task, pk=form.cleaned_data["task"])
    letter = _letter_give(request, task, form, via="raci")
    if not request.htmx:
        return redirect(f"{reverse('raci:matrix')}?{request.GET.urlencode()}")
    if isinstance(letter.refusal, services.AccountableTaken):
        response = render(
            request,
            "raci/matrix.html#accountable-confirm",
            {"task": task, "person": letter.person, "holder": letter.refusal.holder, "form": form},
            status=409,
        )
        return varies_on_htmx(reswap(retarget(response, "#raci-confirm"), "innerHTML"))
    row, problems = cell_changed(task, form.cleaned_data["page_tasks"])
    response = render(
        request,
        "raci/matrix.html#cell-updated",
        {
            "task": task,
            "person": letter.person,
            "role": letter.role,
            # The previous Accountable's cell changed too when the A moved.
            "moved": letter.moved,
            "row": row,
            # The matrix sends its page's tasks to count its summary again.
            "problems": problems,
            "oob": True,
        },
        status=409 if letter.refusal else 200,
    )
    return varies_on_htmx(response)


def _changed_meanwhile(task, person, role: str) -> str:
    return (
        f"Someone changed {person}'s role on “{task.title}” to "
        f"{Role(role).label if role else 'none'} meanwhile; yours was not saved."
    )


def _accountable_taken(task, taken: services.AccountableTaken) -> str:
    return f"{taken.holder.person} is Accountable for “{task.title}”."


def _task_for_raci(pk) -> Task:
    return get_object_or_404(Task.objects.select_related("requester"), pk=pk)


@require_GET
@login_required
@can_edit_raci
def task_people(request, pk):
    """People to give a letter on a task, found by name or email, for its page's search.
    Opened as a page, the task's page with the search done."""
    task = _task_for_raci(pk)
    if not request.htmx:
        return redirect(f"{task.get_absolute_url()}?{request.GET.urlencode()}#task-raci")
    panel = TaskRaciPanel(task, request.GET)
    response = render(
        request,
        "backlog/task_detail.html#people-found",
        {"task": task, "raci": panel},
        status=200 if panel.search.is_valid() else 422,
    )
    return varies_on_htmx(response)


def _task_raci(request, task, *, status: int = 200, **context):
    """The task page's RACI panel, as its forms' htmx requests are answered, or, for a
    plain POST, the task's page again with the messages."""
    if not request.htmx:
        return redirect(f"{task.get_absolute_url()}#task-raci")
    response = render(
        request,
        "backlog/task_detail.html#task-raci",
        {"task": task, "answered": True, **context},
        status=status,
    )
    return varies_on_htmx(response)


def _task_raci_refused(request, task, refusal, *, name: str, role: str):
    """The panel after a letter not given (its refusal said by _letter_give or
    _refusal_said). Over htmx it asks, when someone else is Accountable or the person
    would be over their hours, whether to give it all the same."""
    if isinstance(refusal, services.CellChanged) or not request.htmx:
        return _task_raci(request, task, status=409)
    flag = "move_accountable" if isinstance(refusal, services.AccountableTaken) else "allow_over"
    again = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    return _task_raci(
        request,
        task,
        status=409,
        raci_refusal=refusal,
        raci_refused={
            "name": name,
            "role": role,
            "action": request.path,
            "data": {**again, flag: "on"},
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: reverse_ids("backlog:task-detail", pk))
@can_edit_raci
def task_role(request, pk):
    """Give, change or take away a person's letter from the task's page. Making someone
    Responsible checks their hours in the task's week, as planning does."""
    task = _task_for_raci(pk)
    form = TaskRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"That change was not understood: {errors_text(form)}")
        return _task_raci(request, task, status=422)
    check_capacity = not form.cleaned_data["allow_over"]
    letter = _letter_give(request, task, form, via="task", check_capacity=check_capacity)
    if letter.refusal:
        return _task_raci_refused(
            request, task, letter.refusal, name=letter.person.name, role=form.cleaned_data["role"]
        )
    return _task_raci(request, task, changed=letter.person.pk)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: reverse_ids("backlog:task-detail", pk))
@permission_required(["raci.change_assignment", "people.add_person"], raise_exception=True)
def task_person_new(request, pk):
    """Someone new on the task's RACI, by name and email, as a stakeholder; someone with
    that address already is given the letter instead of being added twice. Undo takes
    the letter back and keeps the person."""
    task = _task_for_raci(pk)
    form = StakeholderRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nobody was added: {errors_text(form)}")
        return _task_raci(request, task, status=422, stakeholder_form=form)
    name, role = form.cleaned_data["name"], form.cleaned_data["role"]
    try:
        with history_context(request.user, via="task", offers_undo=True) as change:
            person = services.stakeholder_add(
                task=task,
                name=name,
                email=form.cleaned_data["email"],
                role=role,
                move_accountable=form.cleaned_data["move_accountable"],
                check_capacity=not form.cleaned_data["allow_over"],
                by=request.user,
                via="task",
            )
    except services.CellChanged as already:
        messages.error(
            request,
            f"Someone with that email address is already {already.current} on “{task.title}”: "
            "change their letter in the list.",
        )
        return _task_raci(request, task, status=409, stakeholder_form=form)
    except (services.AccountableTaken, services.OverCapacity) as refusal:
        _refusal_said(request, task, refusal)
        return _task_raci_refused(request, task, refusal, name=name, role=role)
    said = _letter_given(task, person, role)
    if settings.MOPSBOARD_UNDO_SECONDS and person.kind == Person.Kind.STAKEHOLDER:
        # The undo takes back the letter only: the person may be on other tasks by then.
        said += f" Undo takes the letter back; {person} stays a stakeholder."
    done_undoably(request, said, change=str(change.id))
    return _task_raci(request, task, changed=person.pk)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("backlog:board")
@permission_required("backlog.change_task", raise_exception=True)
def change_undo(request, change):
    """Undo one's own change from the message that offers it (board, triage, RACI): the
    page it was made on loads again, as it now is; a refusal says why in the messages."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("backlog:board")
    try:
        task = services.task_change_undo(change=str(change), by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        if not request.htmx:
            return redirect(back)
        response = render(request, "base.html#messages", {}, status=refusal.status)
        return varies_on_htmx(reswap(retarget(response, "#messages"), "outerHTML"))
    messages.success(request, f"Undone: “{task.title}” is as it was.")
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(back)


def _cell_problem(request, message: str, *, status: int):
    messages.error(request, message)
    if not request.htmx:
        return redirect("raci:matrix")
    response = render(request, "base.html#messages", {}, status=status)
    return varies_on_htmx(reswap(retarget(response, "#messages"), "outerHTML"))


def _matrix_csv(filename: str, grid: Matrix):
    """One row per task, one column per person, holding their role."""
    return csv_download(
        filename,
        ["id", "title", "quadrant", "status", *(person.name for person in grid.people)],
        (
            [
                row.task.pk,
                row.task.title,
                row.task.quadrant.value if row.task.quadrant else "",
                row.task.status,
                *(role for _, role in row.cells),
            ]
            for row in grid.rows
        ),
    )


@require_GET
@login_required
@can_view_raci
def export(request):
    """The filtered matrix as CSV: one row per task, one column per person."""
    matrix_filter = MatrixFilter(request.GET, queryset=Task.objects.all(), request=request)
    return _matrix_csv("mopsboard-raci.csv", raci_matrix(list(_matrix_tasks(matrix_filter))))


@require_GET
@login_required
@can_share
def share_links(request):
    return _share_links_page(request, ShareLinkForm(initial={"query": request.GET.get("query")}))


def _share_links_page(request, form, *, status: int = 200):
    links = ShareLink.objects.select_related("created_by")
    return links_page(request, "raci/share_links.html", links, form, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("raci:share-links")
@can_share
def share_link_create(request):
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _share_links_page(request, form, status=422)
    link = services.share_link_create(by=request.user, **form.cleaned_data)
    messages.success(request, f"Share link for {link.label} created. Copy it from the list.")
    return redirect("raci:share-links")


@require_http_methods(["GET", "POST"])
@login_required
@can_share
def share_link_revoke(request, pk):
    """Ask first, then close the link for good."""
    return link_revoke_page(
        request,
        get_object_or_404(ShareLink, pk=pk, revoked_at__isnull=True),
        kind="link",
        consequence="Whoever has it will get “not found” from now on.",
        revoke=services.share_link_revoke,
        back_to=reverse("raci:share-links"),
    )


def _open_share_link(token: str) -> ShareLink:
    try:
        return ShareLink.open(token, today=timezone.localdate())
    except ShareLink.DoesNotExist as missing:
        raise Http404("This link is not valid: it may have expired or been revoked.") from missing


def _shared_grid(link: ShareLink, person_id: str | None):
    matrix_filter = MatrixFilter(QueryDict(link.query), queryset=Task.objects.all())
    tasks = _matrix_tasks(matrix_filter)
    person = None
    if person_id and person_id.isdigit():
        # Only someone on the shared tasks: a link must not name anyone else.
        person = (
            Person.objects.filter(pk=person_id, assignments__task__in=tasks.values("pk"))
            .distinct()
            .first()
        )
    if person is not None:
        tasks = tasks.filter(assignments__person=person)
    # Their own column first: on a phone it is in sight beside the tasks, no scrolling.
    return raci_matrix(list(tasks[: settings.MOPSBOARD_SHARED_TASK_LIMIT]), first=person), person


@require_GET
def shared(request, token):
    """The read-only matrix for stakeholders: no login, no forms, nothing to change."""
    link = _open_share_link(token)
    grid, person = _shared_grid(link, request.GET.get("person"))
    response = render(
        request,
        "raci/shared.html",
        {"link": link, "matrix": grid, "person": person},
    )
    return private_page(response)


@require_GET
def shared_export(request, token):
    link = _open_share_link(token)
    grid, _ = _shared_grid(link, request.GET.get("person"))
    return private_page(_matrix_csv("raci.csv", grid))
