"""A RACI cell's markup carries only integers and one of the five roles: a hostile value
raises before it can reach a page."""

import pytest

from raci.models import Role
from raci.selectors import MatrixRow
from raci.templatetags.raci_cells import raci_cell, raci_cells
from tests.factories import PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ['"><script>alert(1)</script>', "R ", "r", None])
def test_a_role_other_than_the_five_never_reaches_the_markup(role):
    row = MatrixRow(task=TaskFactory(), cells=[(PersonFactory(), role)], problems=[])
    with pytest.raises(KeyError):
        raci_cells(row)
    with pytest.raises(KeyError):
        raci_cell(row.task.pk, 7, role)


def test_an_id_that_is_not_a_number_never_reaches_the_markup():
    with pytest.raises(ValueError):
        raci_cell('1" onmouseover="alert(1)', 7, "R")


@pytest.mark.parametrize("role", ["", *Role.values])
def test_each_role_is_drawn_as_itself(role):
    cell = raci_cell(42, 7, role)
    assert cell == (
        f'<td id="raci-cell-42-7" tabindex="-1" data-task-id="42" data-person-id="7" '
        f'data-role="{role}">{role}</td>'
    )
