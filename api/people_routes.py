"""People with their hours, and each person's load in a week, through the API."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import CursorPagination, paginate

from api.auth import BearerToken
from api.forms import LoadAheadForm, LoadForm
from api.inputs import ID, form_data, form_schema
from api.problems import form_problem
from api.schemas import LoadOut, PersonOut, SuggestionsOut, answers, site_url
from capacity.fill_ins import fill_in_suggestions
from capacity.horizon import DEFAULT_WEEKS, horizon, peaks_ahead
from mopsboard.weeks import week_label, week_of
from people.models import Person

router = Router(tags=["People"])

LoadQuery = form_schema(LoadForm(), "LoadQuery")
LoadAheadQuery = form_schema(LoadAheadForm(), "LoadAheadQuery")


@router.get(
    "/people",
    response=answers({200: list[PersonOut]}, 403),
    url_name="people",
    summary="People: the team with their weekly hours, and stakeholders",
    auth=BearerToken(permission="people.view_person"),
)
@paginate(CursorPagination, ordering=("pk",), page_size=100, max_page_size=200)
def list_people(request):
    return Person.objects.all()


@router.get(
    "/people/{person_id}",
    response=answers({200: PersonOut}, 403, 404),
    url_name="person",
    summary="One person",
    auth=BearerToken(permission="people.view_person"),
)
def get_person(request, person_id: ID):
    return get_object_or_404(Person, pk=person_id)


@router.get(
    "/load",
    response=answers({200: LoadOut}, 403),
    url_name="load",
    summary="Each team member's load week by week, against their hours, and the peaks",
    description="Load: the planned, unfinished work a person is Responsible for, each task's "
    "estimate shared among its Responsible people. Capacity: their hours less time off. "
    "`week` for one week; else `weeks` weeks from `from` (this week, 12 weeks if left out). "
    "A peak: a week where the team or a person is planned over their hours, or would be "
    "with the work due that week not planned yet.",
    auth=BearerToken(permission="people.view_person"),
)
def week_load(request, query: Query[LoadAheadQuery]):
    form = LoadAheadForm(form_data(query))
    if not form.is_valid():
        raise form_problem(form, where="parameter")
    chosen = form.cleaned_data
    if chosen["week"]:
        start, weeks = chosen["week"], 1
    else:
        start = chosen["from"] or week_of(timezone.localdate())
        weeks = chosen["weeks"] or DEFAULT_WEEKS
    grid = horizon(start=start, weeks=weeks)
    by_week = [
        {
            "week": week.label,
            "people": [
                {
                    "person": row.person,
                    "capacity": row.weeks[week.monday].capacity,
                    "load": row.weeks[week.monday].load,
                    "free": row.weeks[week.monday].free,
                    "over": row.weeks[week.monday].over,
                }
                for row in grid.team.people
            ],
            "team": week.total,
        }
        for week in grid.weeks
    ]
    return {
        **by_week[0],
        "weeks": by_week,
        "peaks": [
            {
                "week": peak.label,
                "person": peak.person,
                "capacity": peak.capacity,
                "planned": peak.planned,
                "due": peak.due,
                "over_by": peak.over_by,
                "tasks": [
                    {
                        "id": task.pk,
                        "title": task.title,
                        "url": site_url(task.get_absolute_url()),
                        "hours": hours,
                    }
                    for task, hours in sorted(peak.tasks, key=lambda planned: -planned[1])
                ],
            }
            for peak in peaks_ahead(grid)
        ],
    }


@router.get(
    "/suggestions",
    response=answers({200: SuggestionsOut}, 403),
    url_name="suggestions",
    summary="Fill-ins suggested for each team member's free hours in a week",
    description="For each person with free hours in the week: the open fill-ins and quick "
    "wins they are Responsible for, or nobody is yet, that fit those hours best (most "
    "impact, soonest due first, never over), with why.",
    auth=BearerToken(permission="people.view_person"),
)
def suggestions(request, query: Query[LoadQuery]):
    form = LoadForm(form_data(query))
    if not form.is_valid():
        raise form_problem(form, where="parameter")
    week = form.cleaned_data["week"] or week_of(timezone.localdate())
    return {
        "week": week_label(week),
        "suggestions": [
            {
                "person": row.person,
                "task": {
                    "id": suggestion.task.pk,
                    "title": suggestion.task.title,
                    "url": site_url(suggestion.task.get_absolute_url()),
                    "version": suggestion.task.version,
                },
                "hours": suggestion.hours,
                "why": suggestion.why,
                "unowned": suggestion.unowned,
            }
            for row in fill_in_suggestions(week=week)
            for suggestion in row.suggestions
        ],
    }
