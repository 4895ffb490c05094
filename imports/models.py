"""An import: the uploaded file, how its columns map to a task's fields, and what checking
and writing it found and did."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from imports import dates, numbers, presets

ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with a byte-order mark)",
    "cp1252": "Windows-1252",
}


class ImportQuerySet(models.QuerySet):
    def abandoned(self, *, before=None):
        """Imports never written (uploaded before `before`, if given)."""
        found = self.filter(state__in=Import.NEVER_WRITTEN)
        return found if before is None else found.filter(created_at__lt=before)


class Import(models.Model):
    class State(models.TextChoices):
        MAPPING = "mapping", "Waiting for its columns"
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        WRITING = "writing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        UNDOING = "undoing", "Undoing"
        UNDONE = "undone", "Undone"

    # Never written: what the lead may delete, and what goes a week after its upload
    # (imports.tasks.remove_abandoned_imports). A check under way is not abandoned.
    NEVER_WRITTEN = (State.MAPPING, State.CHECKED, State.FAILED)
    ABANDONED_AFTER = timedelta(days=7)

    filename = models.CharField(max_length=255)
    # The file as uploaded, in the database: the worker that reads it may run on another
    # machine than the app server that took the upload.
    content = models.BinaryField()
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=1, default=",")
    headers = models.JSONField(default=list)
    # One task field name per column, "" for a column left out.
    mapping = models.JSONField(default=list)
    # How each column of dates or hours reads, None for the others: {"reading": a key of
    # imports.dates.ORDERS or imports.numbers.MARKS, "" while the lead is asked; "chosen":
    # whether the lead chose it, else the check found it from the values; "examples":
    # values that show the difference}.
    readings = models.JSONField(default=list)
    # What each value of a column of scores, statuses or categories becomes, None for the
    # other columns: [{"value", "becomes", "asked"}] (imports.mapping); "asked" while the
    # lead is asked to say or confirm it.
    values = models.JSONField(default=list)
    # The tool the file comes from (imports.presets), else its columns: what the meaning of
    # its values is remembered under (ValueMapping).
    tool = models.CharField(max_length=100, blank=True)
    # The new people named in the columns of RACI roles that the lead agreed to add.
    people_confirmed = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MAPPING)
    # About this many rows (lines, counted at upload); exact once checked.
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # When the worker last reported on the step under way (None: no worker has taken it
    # yet), and when that step started over because the worker before stopped reporting.
    reported_at = models.DateTimeField(null=True, blank=True)
    restarted_at = models.DateTimeField(null=True, blank=True)
    # [{"line", "column", "message"}], the first MOPSBOARD_IMPORT_PROBLEMS_KEPT of them;
    # problem_count counts them all.
    problems = models.JSONField(default=list)
    problem_count = models.PositiveIntegerField(default=0)
    # The first rows as they will be written, and the people and categories to be made.
    sample = models.JSONField(default=list)
    new_people = models.JSONField(default=list)
    new_categories = models.JSONField(default=list)
    # Why it failed, for the lead (a failure writes nothing).
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The undo (asked by imports.services.import_undo, done on the worker by
    # imports.tasks.import_undo_run): who, when, how many of its tasks it removed and how
    # many it kept, changed since.
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    rows_undone = models.PositiveIntegerField(default=0)
    rows_kept = models.PositiveIntegerField(default=0)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="import_newest")]

    def __str__(self):
        return f"Import of {self.filename}"

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.WRITING)

    @property
    def stalled(self) -> bool:
        """Running, but its worker silent for as long as the task queue takes to count a
        worker dead; mopsboard.tasks.retry_stalled_jobs then queues the step again."""
        silent = timedelta(seconds=settings.MOPSBOARD_QUEUE["stalled_after"])
        return (
            self.running
            and self.reported_at is not None
            and timezone.now() - self.reported_at > silent
        )

    @property
    def progress(self) -> int:
        """Rows done so far of the step under way."""
        return self.rows_written if self.state == self.State.WRITING else self.rows_checked

    @property
    def abandoned(self) -> bool:
        return self.state in self.NEVER_WRITTEN

    @property
    def encoding_label(self) -> str:
        return ENCODINGS.get(self.encoding, self.encoding)

    @property
    def label(self) -> str:
        """What the history and the lists call it."""
        return f"Import #{self.pk} ({self.filename})"

    def _read(self):
        return [
            (header, field, entry)
            for header, field, entry in zip(self.headers, self.mapping, self.readings, strict=False)
            if field and entry
        ]

    @property
    def field_readings(self) -> dict[str, str]:
        """How the rows' fields read: {"due_date": "month-first", "estimate_hours": …}."""
        return {field: entry["reading"] for _, field, entry in self._read()}

    @property
    def questions(self) -> list[str]:
        """The columns of dates that read two ways, until the lead says which."""
        return [header for header, _, entry in self._read() if not entry["reading"]]

    @property
    def tool_label(self) -> str:
        """The tool the file was recognised as an export of, if any."""
        preset = presets.preset_of(self.tool)
        return preset.label if preset else ""

    @property
    def value_questions(self) -> list[str]:
        """The columns with values whose meaning the lead is asked to say or confirm."""
        return [
            header
            for header, entries in zip(self.headers, self.values, strict=False)
            if entries and any(entry["asked"] for entry in entries)
        ]

    @property
    def people_question(self) -> list[str]:
        """The new people named in the columns of RACI roles, until the lead agrees to add
        them (the check lists them in new_people before it stops)."""
        if self.state != self.State.MAPPING:
            return []
        return [name for name in self.new_people if name not in self.people_confirmed]

    @property
    def asks(self) -> bool:
        """Whether the import waits at its columns for the lead's word."""
        return bool(self.questions or self.value_questions or self.people_question)

    @property
    def read_as(self) -> list[dict]:
        """How each column of dates or hours was read, for the report."""
        labels = dates.ORDERS | numbers.MARKS
        return [
            {"column": header, "reading": labels[entry["reading"]], "chosen": entry["chosen"]}
            for header, _, entry in self._read()
            if entry["reading"]
        ]


class ValueMapping(models.Model):
    """What a value in a tool's column becomes, as the lead said on an import's columns
    page: the next import from the same tool reads that column's value so without asking.
    By column: a file's "5" means 4 in its "Story points" and 5 in its "Size"."""

    tool = models.CharField(max_length=100)
    field = models.CharField(max_length=20)
    # The column's header as imports.reading.header_key compares headers.
    column = models.CharField(max_length=200)
    # As imports.mapping.value_key compares values: "High", "high " and "HIGH" are one.
    value = models.CharField(max_length=200)
    becomes = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "field", "column", "value"],
                name="import_value_mapped_once_per_column",
            )
        ]

    def __str__(self):
        return f"{self.value} → {self.becomes} ({self.column}, {self.field}, {self.tool})"
