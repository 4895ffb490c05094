from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("<int:pk>/enable/", views.endpoint_enable, name="endpoint-enable"),
    path("<int:pk>/disable/", views.endpoint_disable, name="endpoint-disable"),
    path("<int:pk>/test/", views.endpoint_test, name="endpoint-test"),
    path("<int:pk>/delete/", views.endpoint_delete, name="endpoint-delete"),
    path("deliveries/<int:pk>/send-again/", views.delivery_resend, name="delivery-resend"),
]
