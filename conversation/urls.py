from django.urls import path

from conversation import views

app_name = "conversation"

# Three segments after the task: backlog's /tasks/<id>/<action>/ holds every two-segment one.
urlpatterns = [
    path("tasks/<int:pk>/comments/new/", views.comment_new, name="comment-new"),
    path("tasks/<int:pk>/comments/<int:comment_pk>/", views.comment_edit, name="comment-edit"),
]
