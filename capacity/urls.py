from django.urls import path

from capacity import views

app_name = "capacity"

urlpatterns = [
    path("my/", views.my_work_page, name="my-work"),
    path("my/act/", views.my_work_action, name="my-work-action"),
    path("my/seen/", views.my_work_seen, name="my-work-seen"),
    path("my/suggestions/plan/", views.my_work_suggestion_plan, name="my-work-suggestion-plan"),
    path(
        "my/suggestions/dismiss/",
        views.my_work_suggestion_dismiss,
        name="my-work-suggestion-dismiss",
    ),
    path("people/", views.people, name="people"),
    path("people/this-week/", views.week_capacity, name="week-capacity"),
    path("people/<int:pk>/capacity/", views.person_capacity, name="person-capacity"),
    path("people/time-off/", views.time_off, name="time-off"),
    path("plan/", views.horizon_page, name="horizon"),
    path(
        "plan/people/<int:person>/weeks/<str:week>/", views.horizon_cell_tasks, name="horizon-cell"
    ),
    path("plan/move/", views.horizon_move, name="horizon-move"),
    path(
        "plan/suggestions/plan/",
        views.horizon_suggestion_plan,
        name="horizon-suggestion-plan",
    ),
    path(
        "plan/suggestions/dismiss/",
        views.horizon_suggestion_dismiss,
        name="horizon-suggestion-dismiss",
    ),
    path("plan/export.csv", views.horizon_export, name="horizon-export"),
    path("review/", views.review, name="review"),
    path("review/people/<int:person>/weeks/<int:index>/", views.review_bar, name="review-bar"),
    path("review/record/", views.review_record, name="review-record"),
    path("review/task-action/", views.review_task_action, name="review-task-action"),
    path("review/spare-hours/", views.review_spare_hours, name="review-spare-hours"),
    path("review/ahead/", views.review_ahead, name="review-ahead"),
    path("review/suggestions/plan/", views.review_suggestion_plan, name="suggestion-plan"),
    path("review/suggestions/dismiss/", views.review_suggestion_dismiss, name="suggestion-dismiss"),
    path("review/<int:pk>/", views.review_detail, name="review-detail"),
    path("year/<int:year>/", views.year_review, name="year"),
    path("year/<int:year>/export.csv", views.year_export, name="year-export"),
]
