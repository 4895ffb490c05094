"""Time off, a task's plan week by week, and a recorded weekly review."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse

from mopsboard.validators import date_in_range
from mopsboard.weeks import week_label


class TimeOff(models.Model):
    """Hours a person is away in one week; their capacity that week is lower by as much."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="time_off")
    week = models.DateField(validators=[date_in_range], help_text="Monday of the ISO week.")
    hours = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["week", "person__name"]
        verbose_name_plural = "time off"
        constraints = [
            models.UniqueConstraint(fields=["person", "week"], name="capacity_one_time_off_a_week"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=168), name="capacity_time_off_hours"
            ),
            models.CheckConstraint(
                condition=models.Q(week__week_day=2), name="capacity_time_off_week_is_a_monday"
            ),
        ]

    def __str__(self):
        return f"{self.person} off {self.hours} h in {week_label(self.week)}"


# Kept in the history, so the undo of a change puts a span's weeks back (plan_restore).
# Its events hold the task's id, not a key to the task: the task's history reads every
# event that references the task, and it tells a plan by the task's week, not row by row.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    attrs={"task": models.BigIntegerField(db_column="task_id")},
)
class PlannedHours(models.Model):
    """The hours of a task's plan in one ISO week. A task planned into one week has one
    row (its estimate); a task spread over a span has one row per week of the span. The
    task's `planned_week` stays its first week, which the one-week doors show."""

    task = models.ForeignKey("backlog.Task", on_delete=models.CASCADE, related_name="planned_hours")
    week = models.DateField(validators=[date_in_range], help_text="Monday of the ISO week.")
    hours = models.DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["task", "week"]
        verbose_name_plural = "planned hours"
        constraints = [
            models.UniqueConstraint(fields=["task", "week"], name="capacity_one_plan_row_a_week"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="capacity_planned_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(week__week_day=2), name="capacity_planned_week_is_a_monday"
            ),
        ]
        # The load reads a few weeks' rows out of every plan.
        indexes = [models.Index(fields=["week"], name="planned_hours_week")]

    def __str__(self):
        return f"{self.task} {self.hours} h in {week_label(self.week)}"


class Review(models.Model):
    """One weekly capacity review: who came, what was decided, and the figures the room
    looked at, frozen as they were that day (`figures`, built by `review_figures`)."""

    held_on = models.DateField(
        unique=True,
        validators=[date_in_range],
        error_messages={"unique": "That day has a review already."},
    )
    # The database's clock, the one the history triggers use, so "since the last review"
    # splits changes exactly at the moment it was recorded.
    recorded_at = models.DateTimeField(db_default=Now(), editable=False)
    since = models.DateTimeField(help_text="The start of the period this review looked back over.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.ManyToManyField("people.Person", blank=True, related_name="reviews")
    notes = models.TextField(blank=True, max_length=10_000)
    decisions = models.TextField(blank=True, max_length=10_000)
    figures = models.JSONField(editable=False)

    class Meta:
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["-recorded_at"], name="review_latest")]

    def __str__(self):
        return f"Capacity review of {self.held_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("capacity:review-detail", args=[self.pk])


class SuggestionDismissal(models.Model):
    """A fill-in the lead said "not this week" to, for one person: it is not suggested
    to them that week again (capacity.fill_ins)."""

    task = models.ForeignKey("backlog.Task", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(validators=[date_in_range], help_text="Monday of the ISO week.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "week", "task"], name="capacity_one_dismissal_a_week"
            ),
            models.CheckConstraint(
                condition=models.Q(week__week_day=2), name="capacity_dismissal_week_is_a_monday"
            ),
        ]

    def __str__(self):
        return f"{self.task} not suggested to {self.person} in {week_label(self.week)}"
