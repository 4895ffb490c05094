from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("<str:token>/", views.preferences, name="preferences"),
    path("<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
