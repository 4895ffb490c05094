"""What the intake tests share: a valid request as a form posts it, and an intake link."""

import pytest

from tests.factories import IntakeLinkFactory


def request_data(**overrides) -> dict:
    return {
        "title": "A landing page form for the partner webinar",
        "details": "Fields: name, company, role.\nSynced to the CRM campaign.",
        "why": "Partners sign up by email today; we lose a third of them.",
        "wanted_by": "",
        "category": "",
        "links": "https://example.com/brief\nhttps://example.com/design",
        "name": "Dana Whitfield",
        "email": "dana@example.com",
        "team": "Demand generation",
        "website": "",
        **overrides,
    }


@pytest.fixture
def intake_link(db):
    return IntakeLinkFactory()
