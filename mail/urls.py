from django.urls import path

from mail import views

app_name = "mail"

urlpatterns = [
    path("", views.mail_list, name="mail"),
    path("<int:pk>/", views.email_detail, name="email"),
    path("<int:pk>/send-again/", views.email_resend, name="email-resend"),
]
