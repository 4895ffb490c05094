"""A person's own API tokens: make one (shown once), see when each was last used, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from api.services import token_create, token_revoke

can_use_api = permission_required("api.use_api", raise_exception=True)


@require_http_methods(["GET", "POST"])
@login_required
@can_use_api
def tokens(request):
    """The list and the form; a made token is shown in the answer to its POST, once, and
    never again: it is not stored, nor kept in the session for a redirect."""
    form = TokenForm(request.POST or None)
    made, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            token, key = token_create(user=request.user, **form.cleaned_data)
            made, form, status = {"token": token, "key": key}, TokenForm(), 201
        else:
            status = 422
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "made": made, "tokens": ApiToken.objects.filter(user=request.user)},
        status=status,
    )
    if made:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@can_use_api
def token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, f"Revoked “{token.name}”: it opens nothing any more.")
    return redirect("api:tokens")
