"""Weeks, time off, and the rule for a person's load in a week."""

import datetime
import re

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse

WEEK_INPUT = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week: how mopsboard names a week."""
    return day - datetime.timedelta(days=day.weekday())


def week_from_input(value: str) -> datetime.date:
    """The Monday of an ISO week written as the browser's week picker does ("2026-W48").

    ValueError for anything else, week 53 of a 52-week year included.
    """
    match = WEEK_INPUT.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a week like 2026-W48.")
    year, week = map(int, match.groups())
    return datetime.date.fromisocalendar(year, week, 1)


def week_label(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def hours_text(hours) -> str:
    """Hours as people write them: 3, 2.5, 40 (not 3.0 or 4E+1)."""
    return f"{float(hours):g}"


def this_and_next_week(today: datetime.date) -> list[datetime.date]:
    """The two weeks capacity is planned and reviewed in."""
    return [week_of(today), week_of(today) + datetime.timedelta(days=7)]


def plan_shortcuts(today: datetime.date) -> list[tuple[str, str]]:
    """The week picker's shortcuts, as ("This week", "2026-W48") and ("Next week", ...)."""
    return list(
        zip(("This week", "Next week"), map(week_label, this_and_next_week(today)), strict=True)
    )


class TimeOff(models.Model):
    """Hours a person is away in one week; their capacity that week is lower by as much."""

    person = models.ForeignKey("raci.Person", on_delete=models.CASCADE, related_name="time_off")
    week = models.DateField(help_text="Monday of the ISO week.")
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


class Review(models.Model):
    """One weekly capacity review: who came, what was decided, and the figures the room
    looked at, frozen as they were that day (`figures`, built by `review_figures`)."""

    held_on = models.DateField(
        unique=True, error_messages={"unique": "That day has a review already."}
    )
    # The database's clock, the one the history triggers use, so "since the last review"
    # splits changes exactly at the moment it was recorded.
    recorded_at = models.DateTimeField(db_default=Now(), editable=False)
    since = models.DateTimeField(help_text="The start of the period this review looked back over.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.ManyToManyField("raci.Person", blank=True, related_name="reviews")
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
