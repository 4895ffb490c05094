"""Writes to people: finding a person by email address, or adding them as a stakeholder."""

from django.db import connection

from people.models import Person


def person_for(*, name: str, email: str, title: str = "") -> Person:
    """The person with this email address (in any case), or a new stakeholder.

    Two requests from a new address at the same moment must not make two people: a lock
    on the address, held to the end of the caller's transaction, puts the second after
    the first, which then finds the person the first made. Call it inside a transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"person:{email.lower()}"])
    person = Person.objects.filter(email__iexact=email).order_by("-is_active", "pk").first()
    if person is None:
        person = Person.objects.create(
            name=name,
            email=email,
            title=title,
            kind=Person.Kind.STAKEHOLDER,
            weekly_capacity_hours=0,
        )
    return person
