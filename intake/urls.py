from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("intake-links/", views.intake_links, name="links"),
    path("intake-links/new/", views.intake_link_create, name="link-create"),
    path("intake-links/<int:pk>/revoke/", views.intake_link_revoke, name="link-revoke"),
    path("request/", views.request_form, name="request-form"),
    path("request/sent/", views.sent, name="sent"),
    path("request/<str:token>/", views.link_form, name="link-form"),
    path("requests/mine/<str:token>/", views.mine, name="mine"),
    path("requests/confirm/<str:token>/", views.confirm, name="confirm"),
    path("requests/following/<str:token>/", views.following, name="following"),
    path("requests/<str:token>/", views.request_status, name="request"),
    path("requests/<str:token>/received/", views.receipt, name="receipt"),
    path("requests/<str:token>/reply/", views.reply, name="reply"),
    path("requests/<str:token>/email/", views.requests_email, name="requests-email"),
]
