from django.urls import path, register_converter
from django.views.generic import RedirectView

from backlog import views
from backlog.models import Quadrant


class QuadrantConverter:
    """Only the four quadrant slugs, so /board/<quadrant>/ can't swallow another page's URL."""

    regex = "|".join(Quadrant.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(QuadrantConverter, "quadrant")

app_name = "backlog"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="backlog:board"), name="home"),
    path("board/", views.board, name="board"),
    path("board/scatter/", views.scatter, name="scatter"),
    path("board/act/", views.board_action, name="board-action"),
    path("board/<quadrant:slug>/", views.quadrant, name="quadrant"),
    path("triage/", views.triage, name="triage"),
    path("triage/<int:pk>/<slug:action>/", views.triage_action, name="triage-action"),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/export.csv", views.task_export, name="task-export"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task-action"),
    path("deferred/", views.deferred, name="deferred"),
]
