"""The import's forms: the upload, the columns, and one row of the spreadsheet as a task,
checked by the task form's own rules."""

from collections import defaultdict
from collections.abc import Collection

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format

from backlog.forms import TaskForm
from backlog.models import Category, Status, Task, default_estimate_hours
from imports import dates, numbers
from imports.mapping import SCORES_UNPAIRED, VALUE_FIELDS, scores_unpaired, value_choices
from imports.mapping import STATUS_NAMES as STATUS_VALUES
from imports.people import ROLE_FIELDS, name_and_email, names_in, roles_of
from imports.reading import DATE_FIELDS, FIELDS, readings_of
from mopsboard.constraints import condition_fields, violated_check_constraints
from mopsboard.forms import DateField, no_control_characters, no_control_characters_but_lines
from mopsboard.weeks import week_from_input, week_of
from people.models import Person, name_key


def too_big_message() -> str:
    limit = filesizeformat(settings.MOPSBOARD_IMPORT_MAX_BYTES)
    return (
        f"The file is larger than {limit}, the most one import takes. Split it into "
        "several files, or leave out columns the import does not need."
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Saved from a spreadsheet as CSV (UTF-8 or Windows), or a mopsboard export.",
        error_messages={"required": "Choose a CSV file to import."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MOPSBOARD_IMPORT_MAX_BYTES:
            raise ValidationError(too_big_message())
        return upload


class CheckInsUploadForm(UploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "A CSV whose first line is date,value,note: a row a day, such as "
            "2026-11-30,1250,From the CRM report."
        )
        self.fields["file"].error_messages["required"] = "Choose a CSV file of check-ins."


class UndoForm(forms.Form):
    # Given by the undo page when it lists tasks changed since the import: those stay.
    keep_changed = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _read(field: str, value: str, reading: str) -> str:
    if field in DATE_FIELDS:
        day = dates.parse(value, reading)
        return date_format(day, "j M Y") if day else "not a date"
    hours = numbers.parse(value, reading)
    return "not a number" if hours is None else f"{hours} h"


def reading_label(field: str, reading: str, examples: list[str]) -> str:
    """One way a column may read, with what its example values are that way:
    "Month first (12/31/2026): 2/3/2027 is 3 Feb 2027"."""
    example = (dates.EXAMPLES if field in DATE_FIELDS else numbers.EXAMPLES)[reading]
    label = f"{readings_of(field)[reading].capitalize()} ({example})"
    read = "; ".join(f"{value} is {_read(field, value, reading)}" for value in examples)
    return f"{label}: {read}" if read else label


class MappingForm(forms.Form):
    """Which task field each column holds, one choice a column; the title is needed. A
    column of dates or hours the check has read also says how it reads (imports.dates,
    imports.numbers): found from its values, or asked where its dates read two ways. A
    column of scores, statuses or categories lists its values and what each becomes
    (imports.mapping). New people named in the columns of RACI roles (`new_people`) are
    added only if the lead ticks to agree."""

    def __init__(
        self,
        *args,
        headers: list[str],
        mapping: list[str],
        readings: list,
        values: list,
        new_people: list[str],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.old_mapping, self.listed, self.new_people = mapping, {}, new_people
        choices = [("", "Leave out"), *((field, label) for field, (label, _) in FIELDS.items())]
        self.columns, self.ways = [], {}
        for index, (header, field) in enumerate(zip(headers, mapping, strict=True)):
            name = header or f"Column {index + 1} (no name)"
            self.columns.append(f"column_{index}")
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=name, choices=choices, required=False, initial=field
            )
            entry = readings[index] if index < len(readings) else None
            if entry and readings_of(field):
                self.ways[index] = readings_of(field)
                self.fields[f"reading_{index}"] = forms.ChoiceField(
                    label=f"How “{name}” reads",
                    choices=[
                        (way, reading_label(field, way, entry["examples"]))
                        for way in readings_of(field)
                    ],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=entry["reading"] or None,
                )
            entries = values[index] if index < len(values) else None
            if entries and field in VALUE_FIELDS:
                self.listed[index] = entries
                for number, value in enumerate(entries):
                    self.fields[f"value_{index}_{number}"] = self._value_field(field, value)
        if new_people:
            self.fields["add_people"] = forms.BooleanField(
                label="Add them as stakeholders",
                required=False,
            )

    @staticmethod
    def _value_field(field: str, entry: dict) -> forms.Field:
        label = f"“{entry['value']}” becomes"
        if field == "category":
            return forms.CharField(
                label=label,
                required=False,
                initial=entry["becomes"],
                max_length=Category._meta.get_field("name").max_length,
                validators=[no_control_characters],
            )
        return forms.ChoiceField(
            label=label,
            choices=[("", "Choose…"), *value_choices(field)],
            required=False,
            initial=entry["becomes"],
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name, "") for name in self.columns]
        if "title" not in chosen:
            raise ValidationError("Choose the column that holds each task's title.")
        twice = sorted({FIELDS[f][0] for f in chosen if f and chosen.count(f) > 1})
        if twice:
            raise ValidationError(f"Choose one column for each field: {', '.join(twice)}.")
        for index, ways in self.ways.items():
            if readings_of(chosen[index]) == ways and not cleaned.get(f"reading_{index}"):
                self.add_error(f"reading_{index}", "Choose how this column reads.")
        if scores_unpaired(chosen):
            raise ValidationError(SCORES_UNPAIRED)
        raci_columns = {"responsible", "accountable"} & set(chosen)
        if self.new_people and raci_columns and not cleaned.get("add_people"):
            self.add_error("add_people", "Tick to add them, or leave their columns out.")
        return cleaned

    def bound_columns(self) -> list:
        """Each column's field, with its reading's field or None, and its values' fields."""
        return [
            (
                self[name],
                self[f"reading_{index}"] if index in self.ways else None,
                [
                    self[f"value_{index}_{number}"]
                    for number in range(len(self.listed.get(index, [])))
                ],
            )
            for index, name in enumerate(self.columns)
        ]

    @property
    def values(self) -> dict[int, list[dict]]:
        """What the lead says each value becomes, in each column still holding the field
        its values were listed for."""
        return {
            index: [
                {
                    "value": entry["value"],
                    "becomes": " ".join(
                        (self.cleaned_data.get(f"value_{index}_{number}") or "").split()
                    ),
                    "asked": False,
                }
                for number, entry in enumerate(entries)
            ]
            for index, entries in self.listed.items()
            if self.cleaned_data.get(self.columns[index]) == self.old_mapping[index]
        }

    @property
    def scores_unpaired(self) -> str:
        """Why the file waits, when its columns fill impact or effort without the other."""
        return SCORES_UNPAIRED if scores_unpaired(self.old_mapping) else ""

    @property
    def people_confirmed(self) -> list[str]:
        """The new people the lead agreed to add."""
        return self.new_people if self.cleaned_data.get("add_people") else []

    @property
    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.columns]

    @property
    def readings(self) -> dict[int, str]:
        """The lead's reading of each column still holding the same kind of values."""
        return {
            index: self.cleaned_data[f"reading_{index}"]
            for index in self.ways
            if self.cleaned_data.get(f"reading_{index}") in readings_of(self.mapping[index])
        }


class Names:
    """The people and categories the rows name, read once: an existing person by the
    email given, else by a bare name in any case and with or without accents
    (people.models.name_key) when exactly one person has it; a category by its name in any
    case; else a new one, made once per email or name and saved when the import writes
    (imports.tasks)."""

    def __init__(self):
        self.people, self.emails, self.categories = defaultdict(list), {}, {}
        for person in Person.objects.order_by("-is_active", "pk"):
            self.people[name_key(person.name)].append(person)
            if person.email:
                self.emails.setdefault(person.email.casefold(), person)
        for category in Category.objects.order_by("pk"):
            self.categories.setdefault(category.name.strip().lower(), category)
        # By email where one is given, else by name; and each by name too, for a bare name.
        self.new_people: dict[str, Person] = {}
        self.new_named: dict[str, Person] = {}
        self.new_categories: dict[str, Category] = {}

    def person(self, text: str) -> Person:
        """The person `text` names; ValidationError for a bare name several people have."""
        name, email = name_and_email(text)
        key = name_key(name)
        if email:
            # An email says who: a namesake with another email is someone else.
            found, new_key = self.emails.get(email.casefold()), email.casefold()
        else:
            namesakes, new_key = self.people.get(key, []), key
            if len(namesakes) > 1:
                raise ValidationError(
                    f"{len(namesakes)} people are called {namesakes[0].name}: write their email."
                )
            found = namesakes[0] if namesakes else self.new_named.get(key)
        if found is not None:
            return found
        if new_key not in self.new_people:
            self.new_people[new_key] = Person(
                name=name, email=email, kind=Person.Kind.STAKEHOLDER, weekly_capacity_hours=0
            )
            self.new_named.setdefault(key, self.new_people[new_key])
        return self.new_people[new_key]

    def category(self, name: str) -> Category:
        key = name.lower()
        if key in self.categories:
            return self.categories[key]
        if key not in self.new_categories:
            self.new_categories[key] = Category(name=name)
        return self.new_categories[key]


STATUS_NAMES = {name: Status(value) for name, value in STATUS_VALUES.items()}


class SheetDateField(DateField):
    """A date as its column writes it (imports.dates), the day or the month first as the
    column reads."""

    order = dates.DAY_FIRST

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        day = dates.parse(value, self.order)
        if day is None:
            other = dates.other(self.order)
            if dates.parse(value, other):
                raise ValidationError(
                    f"The column reads {dates.ORDERS[self.order]}; choose {dates.ORDERS[other]}?"
                )
            raise ValidationError(
                f"Expected a date such as {dates.EXAMPLES[self.order]} (the column reads "
                f"{dates.ORDERS[self.order]}), 2026-12-31 or 31 Dec 2026."
            )
        return day


class PlannedWeekField(SheetDateField):
    """A week as a date in it (cleaned to its Monday) or as "2026-W48"."""

    def to_python(self, value):
        if value and dates.ISO_WEEK.fullmatch(value.strip()):
            try:
                return week_from_input(value.strip())
            except ValueError as error:
                raise ValidationError("That year has no such week.") from error
        day = super().to_python(value)
        return day and week_of(day)


class HoursField(forms.DecimalField):
    """Hours as their column writes them (imports.numbers), with a decimal point or comma
    as the column reads."""

    def __init__(self, *, mark: str, **kwargs):
        super().__init__(**kwargs)
        self.mark = mark

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        hours = numbers.parse(value, self.mark)
        if hours is None:
            other = numbers.other(self.mark)
            if numbers.parse(value, other) is not None:
                raise ValidationError(
                    f"The column reads a {numbers.MARKS[self.mark]}; choose {numbers.MARKS[other]}?"
                )
            raise ValidationError(
                f"Expected a number of hours such as {numbers.EXAMPLES[self.mark]} (the "
                f"column reads a {numbers.MARKS[self.mark]}), with or without “h”."
            )
        return hours


def _remembered(clean):
    """A field's `clean` that answers a value it has cleaned before from memory, its
    error too: a spreadsheet repeats its scores, estimates and dates down the rows."""
    seen = {}

    def remembered(value):
        if value not in seen:
            try:
                seen[value] = (clean(value), None)
            except ValidationError as error:
                seen[value] = (None, error)
        cleaned, error = seen[value]
        if error is not None:
            raise error
        return cleaned

    return remembered


# The fields whose cleaning depends on the cell alone, and whose cells repeat.
REPEATING = ("impact", "effort", "estimate_hours", "planned_week", "due_date", "deferred_until")


class TaskRowForm(TaskForm):
    """One row as a new task: TaskForm's fields and rules (title, scores, estimate, dates,
    lengths), the requester and category by name, and the state the work has reached,
    held to the same constraints the database holds.

    One form checks row after row (`check`): building a form deep-copies its fields,
    which for 100,000 rows costs more than the checking. And no query a row: see
    _post_clean.
    """

    requester = forms.CharField(
        required=False,
        max_length=Person._meta.get_field("name").max_length,
        validators=[no_control_characters],
    )
    category = forms.CharField(
        required=False,
        max_length=Category._meta.get_field("name").max_length,
        validators=[no_control_characters],
    )
    status = forms.CharField(required=False)
    # The task's RACI people by name or email, several to a cell, a line each if need be
    # (imports.people).
    responsible = forms.CharField(required=False, validators=[no_control_characters_but_lines])
    accountable = forms.CharField(required=False, validators=[no_control_characters_but_lines])
    due_date = SheetDateField(required=False)
    planned_week = PlannedWeekField(required=False)
    deferred_until = SheetDateField(required=False)
    declined_reason = forms.CharField(
        required=False, max_length=Task._meta.get_field("declined_reason").max_length
    )

    class Meta(TaskForm.Meta):
        fields = [
            *TaskForm.Meta.fields,
            "status",
            "planned_week",
            "deferred_until",
            "declined_reason",
        ]

    def __init__(self, *, names: Names, readings: dict[str, str], mapped: Collection[str] = ()):
        """`readings`: how each field's column reads (Import.field_readings); `mapped`: the
        fields the file's columns fill."""
        super().__init__()
        self.names = names
        # A RACI field without a column is left out: every field costs each of the rows.
        for name in ROLE_FIELDS:
            if name not in mapped:
                del self.fields[name]
        for name in DATE_FIELDS:
            self.fields[name].order = readings.get(name, dates.DAY_FIRST)
        hours = self.fields["estimate_hours"]
        self.fields["estimate_hours"] = HoursField(
            mark=readings.get("estimate_hours", numbers.POINT),
            required=False,
            min_value=hours.min_value,
            max_value=hours.max_value,
            decimal_places=hours.decimal_places,
        )
        for name in REPEATING:
            self.fields[name].clean = _remembered(self.fields[name].clean)

    def check(self, data: dict) -> dict | None:
        """The new task's fields from one row, for backlog.services.tasks_create, or None
        when the row is wrong (its errors are then in `errors`)."""
        self.data, self.is_bound, self._errors = data, True, None
        if not self.is_valid():
            return None
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def clean_requester(self):
        name = " ".join(self.cleaned_data["requester"].split())
        return self.names.person(name) if name else None

    def _people(self, field: str) -> list[Person]:
        names = names_in(self.cleaned_data[field])
        longest = Person._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name_and_email(name)[0]) > longest]:
            raise ValidationError(
                f"A name is at most {longest} characters: “{too_long[0][:40]}…” is longer."
            )
        return [self.names.person(name) for name in names]

    def clean_responsible(self):
        return self._people("responsible")

    def clean_accountable(self):
        people = self._people("accountable")
        if len(people) > 1:
            raise ValidationError(
                f"A task has one Accountable person; this cell names {len(people)}."
            )
        return people

    def roles(self) -> list[tuple]:
        """The checked row's RACI: (person, role) for raci.services.assignments_create."""
        return roles_of(
            self.cleaned_data.get("responsible", []), self.cleaned_data.get("accountable", [])
        )

    def clean_category(self):
        name = " ".join(self.cleaned_data["category"].split())
        return self.names.category(name) if name else None

    def clean_status(self):
        name = self.cleaned_data["status"].strip().lower()
        if not name:
            return None
        if name not in STATUS_NAMES:
            raise ValidationError(f"Use one of: {', '.join(Status.labels)}.")
        return STATUS_NAMES[name]

    def clean(self):
        # A score that is wrong says so itself, not again as a missing pair of scores.
        if self.has_error("impact") or self.has_error("effort"):
            return self.cleaned_data
        # The export writes every task's estimate, its effort's default where no one
        # entered hours; read back, that default stays a default and follows the effort.
        cleaned = super().clean()
        hours = cleaned.get("estimate_hours")
        if hours is not None and hours == default_estimate_hours(cleaned.get("effort")):
            cleaned["estimate_hours"] = None
        return cleaned

    def _post_clean(self):
        # In place of ModelForm's validation of the model, which runs the model fields'
        # checks again (these form fields have them) at the cost of a model instance a
        # row, and a query per foreign key and per check constraint: the check
        # constraints alone, tested in Python. A constraint on a field that is wrong or
        # left empty, or on scores TaskForm.clean refused, is skipped, as Django skips
        # it, so a row's mistake is told once.
        if self.non_field_errors():
            return
        exclude = self._get_validation_exclusions()
        values = {name: value for name, value in self.cleaned_data.items() if name not in exclude}
        for constraint in violated_check_constraints(Task, values):
            fields = condition_fields(constraint.condition)
            column = next(name for name in fields if name != "status")
            self.add_error(column, constraint.get_violation_error_message())
