"""The lead's Webhooks pages: the endpoints (a new one's secret shown once), each with its
delivery log, "send again", a test event, enable, disable and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mopsboard.errors import Conflict
from mopsboard.rendering import render_page, varies_on_htmx
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint

can_view = permission_required("webhooks.view_endpoint", raise_exception=True)
can_add = permission_required("webhooks.add_endpoint", raise_exception=True)
can_change = permission_required("webhooks.change_endpoint", raise_exception=True)
can_delete = permission_required("webhooks.delete_endpoint", raise_exception=True)
LOG_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@login_required
@can_view
def endpoints(request):
    """The list and the form. A new endpoint's secret is shown in the answer to its POST,
    once: it is not put in the session for a redirect, and no page shows it again."""
    made, status = None, 200
    if request.method == "POST":
        if not request.user.has_perm("webhooks.add_endpoint"):
            raise PermissionDenied
        form = EndpointForm(request.POST)
        if form.is_valid():
            made = services.endpoint_create(by=request.user, **form.cleaned_data)
            form, status = EndpointForm(), 201
        else:
            status = 422
    else:
        form = EndpointForm()
    last = Delivery.objects.filter(endpoint=OuterRef("pk")).order_by("-created_at", "-id")
    listed = Endpoint.objects.defer("secret").annotate(
        last_event=Subquery(last.values("event")[:1]),
        last_status=Subquery(last.values("status")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
    )
    response = render(
        request,
        "webhooks/endpoints.html",
        {
            "form": form,
            "made": made,
            "endpoints": listed,
            "disabled": Endpoint.objects.filter(disabled_at__isnull=False).count(),
        },
        status=status,
    )
    if made:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
@can_view
def endpoint_detail(request, pk):
    """The endpoint and its delivery log, newest first, a page at a time; while anything
    is still being tried, the log reloads itself (htmx asks for the `log` partial)."""
    endpoint = get_object_or_404(Endpoint, pk=pk)
    deliveries = Delivery.objects.filter(endpoint=endpoint).defer("payload")
    page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    pending = any(d.status == Delivery.Status.PENDING for d in page)
    context = {"endpoint": endpoint, "page": page, "pending": pending}
    return render_page(request, "webhooks/endpoint.html", context, partial="log")


def _act(request, pk, act, done: str):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    try:
        act(endpoint=endpoint, by=request.user)
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done.format(endpoint=endpoint))
    return redirect(endpoint)


@require_POST
@login_required
@can_change
def endpoint_enable(request, pk):
    return _act(request, pk, services.endpoint_enable, "{endpoint} is enabled again.")


@require_POST
@login_required
@can_change
def endpoint_disable(request, pk):
    return _act(request, pk, services.endpoint_disable, "{endpoint} is disabled: nothing is sent.")


@require_POST
@login_required
@can_change
def endpoint_test(request, pk):
    return _act(
        request, pk, services.endpoint_test_send, "A test event is on its way to {endpoint}."
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_delete
def endpoint_delete(request, pk):
    """Ask first (GET), then delete the endpoint and its log (POST)."""
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "GET":
        return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})
    services.endpoint_delete(endpoint=endpoint, by=request.user)
    messages.success(request, f"{endpoint} is deleted: nothing more is sent to it.")
    return redirect("webhooks:endpoints")


@require_POST
@login_required
@can_change
def delivery_resend(request, pk):
    """Queue a delivery again; an htmx POST gets its row back, a plain one a redirect."""
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    status = 200
    try:
        delivery = services.delivery_resend(delivery=delivery, by=request.user)
    except Conflict as refused:
        messages.error(request, refused.message)
        status = refused.status
    else:
        messages.success(request, f"The {delivery.event} delivery is queued again.")
    if request.htmx:
        context = {"delivery": delivery, "endpoint": delivery.endpoint, "oob": True}
        return varies_on_htmx(
            render(request, "webhooks/endpoint.html#delivery", context, status=status)
        )
    return varies_on_htmx(redirect(delivery.endpoint))
