"""A factory for every model; tests build exactly the data they need."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from api.models import ApiToken, Scope, new_key, token_digest
from backlog.models import Category, Status, Task
from capacity.models import PlannedHours, Review, TimeOff
from capacity.services import plan_follows_week, plan_replace
from conversation.models import Comment
from goals.models import CheckIn, Goal, GoalShareLink, Step, Unit
from imports.models import Import, ValueMapping
from intake.models import IntakeLink
from mail.models import Email
from mopsboard.models import RateCount
from people.models import Person
from raci.models import Assignment, Role, ShareLink
from webhooks.models import Delivery, Endpoint, Event, new_webhook_id


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    email = factory.Faker("email")
    title = "Marketing automation specialist"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Category {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    """A scored task in the backlog; `TaskFactory(unscored=True)` is a request in triage."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    class Params:
        unscored = factory.Trait(impact=None, effort=None, status=Status.NEW)

    title = factory.Sequence(lambda n: f"Fix CRM sync errors, batch {n}")
    requester = factory.SubFactory(PersonFactory, kind=Person.Kind.STAKEHOLDER)
    category = factory.SubFactory(CategoryFactory, name="Integration/sync")
    impact = 4
    effort = 2
    status = Status.BACKLOG

    @factory.post_generation
    def plan(task, create, extracted, **kwargs):
        """A task made with a `planned_week` has its whole estimate in that week, as
        planning it would; `plan={week: hours, ...}` gives a span's hours instead."""
        if create and extracted:
            plan_replace(task=task, hours=extracted)
        elif create and task.planned_week:
            plan_follows_week(tasks=[task])


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.RESPONSIBLE


class GoalFactory(factory.django.DjangoModelFactory):
    """A SMART goal a quarter under way, three quarters to go; `GoalFactory(draft=True)`
    lacks its KPI, target and deadline."""

    class Meta:
        model = Goal

    class Params:
        draft = factory.Trait(kpi_name="", unit="", baseline=None, target=None, deadline=None)

    title = factory.Sequence(lambda n: f"Grow email-sourced leads, plan {n}")
    short_name = factory.Sequence(lambda n: f"Leads {n}")
    owner = factory.SubFactory(PersonFactory)
    kpi_name = "Email-sourced leads"
    unit = Unit.COUNT
    baseline = 100
    baseline_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(90))
    target = 140
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(270))


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Quarter {n}: +10%")
    owner = factory.SubFactory(PersonFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(60))


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    goal = factory.SubFactory(GoalFactory)
    on = factory.LazyFunction(timezone.localdate)
    value = 110


class GoalShareLinkFactory(factory.django.DjangoModelFactory):
    """A leadership link to every active goal; `goals=[…]` narrows it."""

    class Meta:
        model = GoalShareLink
        skip_postgeneration_save = True

    label = "Marketing leadership"

    @factory.post_generation
    def goals(self, create, goals, **kwargs):
        if create and goals:
            self.narrowed = True
            self.save(update_fields=["narrowed"])
            self.goals.set(goals)


class ShareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareLink

    label = "Sales leadership"


class PlannedHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedHours

    task = factory.SubFactory(TaskFactory)
    week = factory.SelfAttribute("task.planned_week")
    hours = 8


class ReviewFactory(factory.django.DjangoModelFactory):
    """A recorded review; its figures are whatever the test gives (empty by default)."""

    class Meta:
        model = Review

    held_on = factory.Sequence(lambda n: datetime.date(2000, 1, 3) + datetime.timedelta(weeks=n))
    since = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    figures = factory.LazyFunction(
        lambda: {
            key: [] for key in ("weeks", "people", "totals", "unassigned", "agenda", "actions")
        }
    )


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    person = factory.SubFactory(PersonFactory, kind=Person.Kind.TEAM)
    week = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    )
    hours = 8


class EmailFactory(factory.django.DjangoModelFactory):
    to = factory.Sequence(lambda n: f"reader{n}@example.com")
    subject = factory.Sequence(lambda n: f"News {n}")
    text = "Something happened."
    event = "Planned"

    class Meta:
        model = Email

    class Params:
        failed = factory.Trait(
            status=Email.Status.FAILED, attempts=3, last_error="ConnectionRefusedError"
        )


class IntakeLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeLink

    label = "Sales requests"


class RateCountFactory(factory.django.DjangoModelFactory):
    """One window's count for a key; the window is the current hour unless given."""

    class Meta:
        model = RateCount

    key = factory.Sequence(lambda n: f"test:{n}")
    window_start = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0)
    )
    expires_at = factory.LazyAttribute(lambda o: o.window_start + datetime.timedelta(hours=1))
    hits = 1


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A read-write token of a new user; the key to send is `token.key` (never stored)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "CRM sync"
    scope = Scope.READ_WRITE
    key = factory.LazyFunction(new_key)
    digest = factory.LazyAttribute(lambda o: token_digest(o.key))
    prefix = factory.LazyAttribute(lambda o: o.key[:12])

    @classmethod
    def _create(cls, model_class, *args, key, **kwargs):
        token = super()._create(model_class, *args, **kwargs)
        token.key = key
        return token


class ImportFactory(factory.django.DjangoModelFactory):
    """An upload waiting for its columns; `ImportFactory(checked=True)` is ready to write."""

    class Meta:
        model = Import

    class Params:
        checked = factory.Trait(
            state=Import.State.CHECKED,
            mapping=["title", "estimate_hours"],
            rows_total=1,
            rows_checked=1,
            sample=[{"title": "Audit the programs", "estimate": "2"}],
        )

    filename = "backlog.csv"
    content = b"Title,Hrs\nAudit the programs,2\n"
    encoding = "utf-8"
    headers = ["Title", "Hrs"]
    mapping = ["title", ""]
    rows_total = 1
    created_by = factory.SubFactory(UserFactory)


class ValueMappingFactory(factory.django.DjangoModelFactory):
    """What "High" in a spreadsheet's Priority column became, remembered for its tool."""

    class Meta:
        model = ValueMapping

    tool = "asana"
    field = "impact"
    column = "priority"
    value = factory.Sequence(lambda n: f"level {n}")
    becomes = "3"


class EndpointFactory(factory.django.DjangoModelFactory):
    """A webhook endpoint for every event; its URL is not called unless a test says so."""

    class Meta:
        model = Endpoint

    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/mopsboard")
    description = "Team chat"
    events = factory.LazyFunction(lambda: list(Event.values))


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    class Params:
        failed = factory.Trait(
            status=Delivery.Status.FAILED, attempts=29, last_error="The receiver answered 500."
        )

    endpoint = factory.SubFactory(EndpointFactory)
    event = Event.TASK_CREATED
    webhook_id = factory.LazyFunction(new_webhook_id)
    payload = factory.LazyAttribute(lambda o: {"type": o.event, "timestamp": "", "data": {}})


class CommentFactory(factory.django.DjangoModelFactory):
    """A team member's internal comment; `shared=True` for the requester to read too."""

    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    author = factory.SubFactory(UserFactory)
    body = "Do we have the partner list yet?"
