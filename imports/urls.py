from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("tasks/import/", views.upload, name="upload"),
    path("tasks/imports/", views.import_list, name="list"),
    path("tasks/imports/<int:pk>/", views.import_detail, name="detail"),
    path("tasks/imports/<int:pk>/columns/", views.import_mapping, name="mapping"),
    path("tasks/imports/<int:pk>/import/", views.import_commit, name="commit"),
    path("tasks/imports/<int:pk>/undo/", views.import_undo, name="undo"),
    path("tasks/imports/<int:pk>/delete/", views.import_delete, name="delete"),
    path("goals/<int:pk>/check-ins/import/", views.check_ins_upload, name="check-ins"),
    path("goals/<int:pk>/check-ins.csv", views.check_ins_template, name="check-ins-template"),
]
