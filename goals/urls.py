from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("", views.goal_list, name="list"),
    path("new/", views.goal_new, name="new"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/edit/", views.goal_edit, name="edit"),
    path("<int:pk>/steps/new/", views.step_new, name="step-new"),
    path("steps/<int:pk>/", views.step_edit, name="step-edit"),
    path("<int:pk>/check-ins/", views.check_in_new, name="check-in-new"),
    path("check-ins/<int:pk>/", views.check_in_edit, name="check-in-edit"),
    path("tasks/<int:pk>/", views.task_goals_update, name="task-goals"),
    path("share-links/", views.share_links, name="share-links"),
    path("share-links/new/", views.share_link_create, name="share-link-create"),
    path("share-links/<int:pk>/revoke/", views.share_link_revoke, name="share-link-revoke"),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("year/<int:year>/export.csv", views.year_export, name="year-export"),
    path("tasks/link/", views.tasks_link, name="tasks-link"),
]
