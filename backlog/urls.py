from django.urls import path
from django.views.generic import RedirectView

from backlog import views

app_name = "backlog"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="backlog:board"), name="home"),
    path("board/", views.board, name="board"),
    path("board/scatter/", views.scatter, name="scatter"),
    path("board/move/", views.card_move, name="card-move"),
    path("board/<slug:slug>/", views.quadrant, name="quadrant"),
    path("triage/", views.triage, name="triage"),
    path("triage/<int:pk>/score/", views.triage_action, {"action": "score"}, name="triage-score"),
    path("triage/<int:pk>/defer/", views.triage_action, {"action": "defer"}, name="triage-defer"),
    path(
        "triage/<int:pk>/decline/",
        views.triage_action,
        {"action": "decline"},
        name="triage-decline",
    ),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/export.csv", views.task_export, name="task-export"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/status/", views.task_action, {"action": "status"}, name="task-status"),
    path("tasks/<int:pk>/defer/", views.task_action, {"action": "defer"}, name="task-defer"),
    path("tasks/<int:pk>/decline/", views.task_action, {"action": "decline"}, name="task-decline"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
]
