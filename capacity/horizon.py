"""The capacity horizon (/plan/): each person's load against their hours, week by week
for the weeks ahead, the team's totals, and the weeks where someone goes over; an open
cell's tasks and the fill-ins suggested for its spare hours."""

import datetime
from dataclasses import dataclass

from backlog.models import Category
from capacity.agenda import SPARE_HOURS_SHOWN
from capacity.fill_ins import PersonSuggestions, fill_in_suggestions
from capacity.load import PersonLoad, TeamLoad, TeamWeek, WeekLoad, team_load
from mopsboard.weeks import week_label, week_of
from people.models import Person

# How many weeks the horizon shows, by default and at the least and most.
DEFAULT_WEEKS, MIN_WEEKS, MAX_WEEKS = 12, 4, 26


@dataclass
class HorizonRow:
    load: PersonLoad
    stakeholder: bool = False

    @property
    def person(self) -> Person:
        return self.load.person


@dataclass
class HorizonWeek:
    monday: datetime.date
    total: TeamWeek
    # The people over their hours that week: the peak the horizon warns of.
    over: list[Person]

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def peak(self) -> bool:
        return bool(self.over) or self.total.over


@dataclass
class Horizon:
    weeks: list[HorizonWeek]
    rows: list[HorizonRow]
    team: TeamLoad

    @property
    def peaks(self) -> list[HorizonWeek]:
        return [week for week in self.weeks if week.peak]


def horizon(
    *,
    start: datetime.date,
    weeks: int,
    with_stakeholders: bool = False,
    category: Category | None = None,
) -> Horizon:
    """`weeks` weeks from `start`: the active team's rows (and, `with_stakeholders`, the
    rows of stakeholders Responsible for work in them), the team's totals, each week's
    peak. Six queries at most, however many people, weeks and tasks."""
    mondays = [start + datetime.timedelta(weeks=n) for n in range(weeks)]
    team = team_load(weeks=mondays, category=category)
    rows = [HorizonRow(row) for row in team.people]
    if with_stakeholders:
        stakeholders = team_load(
            weeks=mondays,
            people=Person.objects.filter(kind=Person.Kind.STAKEHOLDER, is_active=True),
            category=category,
        )
        rows += [
            HorizonRow(row, stakeholder=True)
            for row in stakeholders.people
            if any(week.load for week in row.weeks.values())
        ]
    return Horizon(
        weeks=[
            HorizonWeek(
                monday=monday,
                total=team.week_totals(monday),
                over=[row.person for row in team.people if row.weeks[monday].over],
            )
            for monday in mondays
        ],
        rows=rows,
        team=team,
    )


@dataclass
class Cell:
    """One person's week, opened: their load and the tasks behind it, each with the
    hours it puts on them that week, and the fill-ins suggested for its spare hours."""

    person: Person
    week: datetime.date
    load: WeekLoad
    suggestions: PersonSuggestions | None = None

    @property
    def tasks(self) -> list[tuple]:
        return self.load.tasks

    @property
    def label(self) -> str:
        return week_label(self.week)


def horizon_cell(
    *,
    person: Person,
    week: datetime.date,
    today: datetime.date,
    category: Category | None = None,
) -> Cell:
    """The tasks behind one cell of the horizon, from the same load as the grid; for a
    week not gone by, the fill-ins suggested for the person's free hours in it (whatever
    the category shown: the hours are free whatever fills the rest)."""
    people = Person.objects.filter(pk=person.pk)
    load = team_load(weeks=[week], people=people, with_tasks=True, category=category)
    suggested = (
        # As many as the review shows.
        fill_in_suggestions(week=week, people=people, limit=SPARE_HOURS_SHOWN)
        if week >= week_of(today)
        else []
    )
    return Cell(
        person=person,
        week=week,
        load=load.people[0].weeks[week],
        suggestions=suggested[0] if suggested else None,
    )
