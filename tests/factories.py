"""A factory for every model; tests build exactly the data they need."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from backlog.models import Category, Status, Task
from raci.models import Assignment, Person, Role, ShareLink


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

    class Params:
        unscored = factory.Trait(impact=None, effort=None, status=Status.NEW)

    title = factory.Sequence(lambda n: f"Fix CRM sync errors, batch {n}")
    requester = factory.SubFactory(PersonFactory, kind=Person.Kind.STAKEHOLDER)
    category = factory.SubFactory(CategoryFactory, name="Integration/sync")
    impact = 4
    effort = 2
    status = Status.BACKLOG


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.RESPONSIBLE


class ShareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareLink

    label = "Sales leadership"
