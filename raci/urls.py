from django.urls import path

from raci import views

app_name = "raci"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("cell/", views.cell_update, name="cell-update"),
    path("tasks/<int:pk>/people/", views.task_people, name="task-people"),
    path("tasks/<int:pk>/people/new/", views.task_person_new, name="task-person-new"),
    path("tasks/<int:pk>/role/", views.task_role, name="task-role"),
    path("changes/<uuid:change>/undo/", views.change_undo, name="change-undo"),
    path("team-hints/", views.team_hints_view, name="team-hints"),
    path("export.csv", views.export, name="export"),
    path("share-links/", views.share_links, name="share-links"),
    path("share-links/new/", views.share_link_create, name="share-link-create"),
    path("share-links/<int:pk>/revoke/", views.share_link_revoke, name="share-link-revoke"),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("shared/<str:token>/export.csv", views.shared_export, name="shared-export"),
]
