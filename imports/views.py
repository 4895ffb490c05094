"""The import's pages: upload a CSV, choose what its columns hold, watch the check and
the write, read the report, undo it or delete it unwritten; and the list of imports.
And a goal's check-ins from a CSV, sent from the goal's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BinaryField
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goals import services as goal_services
from goals.models import Goal
from imports import services
from imports.check_ins import COLUMNS, CheckInsRefused, check_ins_read
from imports.forms import CheckInsUploadForm, MappingForm, UndoForm, UploadForm, too_big_message
from imports.models import Import
from imports.reading import UnreadableFile, first_values
from imports.selectors import import_tasks, import_tasks_changed
from imports.uploads import LimitedUpload
from mopsboard.errors import Conflict
from mopsboard.exports import csv_download
from mopsboard.rendering import get_goes_to, render_page

can_import = permission_required("imports.add_import", raise_exception=True)
can_view_goals = permission_required("goals.view_goal", raise_exception=True)
LIST_PAGE_SIZE = 50
PROBLEMS_PAGE_SIZE = 50
# Room in a request's body for the form's other fields and the multipart boundaries.
BODY_SLACK = 16 * 1024
FIRST_BYTES = 64 * 1024
# The tasks changed since an import that its undo page names; it counts the rest.
CHANGED_SHOWN = 100


def _imports():
    """Imports without their files, which can be large."""
    return Import.objects.defer("content").select_related("created_by", "undone_by")


def _listed():
    """Imports as a list shows them: not their reports either."""
    return _imports().defer("headers", "mapping", "readings", "values", "problems", "sample")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@login_required
@can_import
def upload(request):
    """The upload form. A POST's size is checked before its body is read: a file over
    the limit is refused at once, not read (Django's way to change the upload handlers
    of one view: CSRF is checked by _upload, after they are in place)."""
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.MOPSBOARD_IMPORT_MAX_BYTES + BODY_SLACK:
            return _upload_page(request, UploadForm(), status=413, refusal=too_big_message())
        request.upload_handlers.insert(0, LimitedUpload(settings.MOPSBOARD_IMPORT_MAX_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request):
    if request.method == "GET":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if request.upload_handlers[0].too_big:
        return _upload_page(request, UploadForm(), status=413, refusal=too_big_message())
    if not form.is_valid():
        return _upload_page(request, form, status=422)
    try:
        imp = services.import_start(upload=form.cleaned_data["file"], by=request.user)
    except UnreadableFile as unreadable:
        form.add_error("file", unreadable.message)
        return _upload_page(request, form, status=unreadable.status)
    if imp.state == Import.State.MAPPING:
        messages.info(request, "Some columns were not recognised: say what they hold.")
        return redirect("imports:mapping", imp.pk)
    return redirect(imp)


def _upload_page(request, form, *, status: int = 200, refusal: str = ""):
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "refusal": refusal,
            "recent": _listed()[:5],
            "limit": settings.MOPSBOARD_IMPORT_MAX_BYTES,
        },
        status=status,
    )


@require_GET
@login_required
@can_import
def import_list(request):
    page = Paginator(_listed(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/imports.html", {"page": page})


@require_GET
@login_required
@can_import
def import_detail(request, pk):
    """Where an import stands: progress while it is checked or written (the page polls
    its `import-state` part until it is done), then the report."""
    return _detail_page(request, get_object_or_404(_imports(), pk=pk))


def _detail_page(request, imp: Import, *, status: int = 200):
    problems = Paginator(imp.problems, PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "imports/import.html",
        {"import": imp, "problems": problems},
        partial="import-state",
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_import
def import_mapping(request, pk):
    # The first values of each column come from the start of the file alone.
    head = Substr("content", 1, FIRST_BYTES, output_field=BinaryField())
    imp = get_object_or_404(_imports().annotate(head=head), pk=pk)
    form = MappingForm(
        request.POST or None,
        headers=imp.headers,
        mapping=imp.mapping,
        readings=imp.readings,
        values=imp.values,
        new_people=imp.people_question,
    )
    if request.method == "POST" and form.is_valid():
        try:
            imp = services.import_map(
                imp=imp,
                mapping=form.mapping,
                readings=form.readings,
                values=form.values,
                people_confirmed=form.people_confirmed,
            )
        except services.NotReady as refused:
            messages.error(request, refused.message)
            return _detail_page(request, imp, status=refused.status)
        return redirect(imp)
    return render(
        request,
        "imports/mapping.html",
        {
            "import": imp,
            "form": form,
            "columns": zip(
                form.bound_columns(),
                first_values(bytes(imp.head), encoding=imp.encoding, delimiter=imp.delimiter),
                strict=False,
            ),
        },
        status=422 if form.is_bound else 200,
    )


@require_POST
@login_required
@can_import
def import_commit(request, pk):
    imp = get_object_or_404(_imports(), pk=pk)
    try:
        imp = services.import_commit(imp=imp)
    except services.NotReady as refused:
        messages.error(request, refused.message)
        return _detail_page(request, imp, status=refused.status)
    return redirect(imp)


@require_http_methods(["GET", "POST"])
@login_required
@can_import
def import_undo(request, pk):
    """Undo an import: the page asks first, listing the tasks changed since, which stay;
    the worker then removes the others while the import's page says so."""
    imp = get_object_or_404(_imports(), pk=pk)
    # An empty POST is an undo too: the form's one field is a hidden, optional tick.
    form = UndoForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            imp = services.import_undo(
                imp=imp, by=request.user, keep_changed=form.cleaned_data["keep_changed"]
            )
        except services.TasksChangedSince as refused:
            messages.error(request, refused.message)
            return _undo_page(request, imp, status=refused.status)
        except Conflict as refused:
            messages.error(request, refused.message)
            return _detail_page(request, imp, status=refused.status)
        return redirect(imp)
    if imp.state != Import.State.DONE:
        return redirect(imp)
    return _undo_page(request, imp)


def _undo_page(request, imp: Import, *, status: int = 200):
    changed = import_tasks_changed(imp).order_by("pk")
    tasks, changed_count = import_tasks(imp).count(), changed.count()
    return render(
        request,
        "imports/undo.html",
        {
            "import": imp,
            "tasks": tasks,
            "changed": changed[:CHANGED_SHOWN],
            "changed_count": changed_count,
            "removed": tasks - changed_count,
        },
        status=status,
    )


@require_POST
@login_required
@can_import
def import_delete(request, pk):
    imp = get_object_or_404(_imports(), pk=pk)
    try:
        services.import_delete(imp=imp)
    except services.NotReady as refused:
        messages.error(request, refused.message)
        return _detail_page(request, imp, status=refused.status)
    messages.success(request, f"{imp.label} is deleted.")
    return redirect("imports:list")


def _goal_checked_in_by(request, pk) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("owner"), pk=pk)
    if not goal.takes_check_ins_from(request.user):
        raise PermissionDenied("Only the lead and the goal's Accountable person check in.")
    return goal


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: Goal(pk=pk).get_absolute_url())
@can_view_goals
def check_ins_upload(request, pk):
    """A CSV of check-ins for a goal: every row recorded (a date it has already corrects
    that check-in), or none, with each problem's line, column and value."""
    goal = _goal_checked_in_by(request, pk)
    form = CheckInsUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_ins = check_ins_read(goal=goal, content=upload.read())
        except UnreadableFile as unreadable:
            form.add_error("file", unreadable.message)
        except CheckInsRefused as refused:
            problems = refused.problems
        else:
            goal_services.check_ins_save(
                goal=goal, check_ins=check_ins, by=request.user, via="import"
            )
            messages.success(request, f"{len(check_ins)} check-ins recorded from {upload.name}.")
            return redirect(goal)
    return render(
        request,
        "imports/check_ins.html",
        {"goal": goal, "form": form, "problems": problems},
        status=422,
    )


@require_GET
@login_required
@can_view_goals
def check_ins_template(request, pk):
    """The CSV a goal's check-ins are uploaded as, holding those it has: fill it in, or
    correct a figure, and upload it again."""
    goal = _goal_checked_in_by(request, pk)
    return csv_download(
        f"check-ins-{goal.pk}.csv",
        COLUMNS,
        (
            (check_in.on.isoformat(), check_in.value, check_in.note)
            for check_in in goal.check_ins.all()
        ),
    )
