"""The quadrant rule and the smallest re-score that moves a task between quadrants."""

import itertools

import pytest

from backlog.models import Quadrant, Task, quadrant_of, scores_for_quadrant
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

PAIRS = list(itertools.product(range(1, 6), range(1, 6)))


def expected_quadrant(impact, effort):
    if impact >= 3:
        return Quadrant.MAJOR_PROJECT if effort >= 3 else Quadrant.QUICK_WIN
    return Quadrant.MONEY_PIT if effort >= 3 else Quadrant.FILL_IN


@pytest.mark.parametrize(("impact", "effort"), PAIRS)
def test_quadrant_of_every_pair(impact, effort):
    assert quadrant_of(impact, effort) == expected_quadrant(impact, effort)


def test_annotation_agrees_with_the_function_at_every_pair():
    tasks = {(i, e): TaskFactory(impact=i, effort=e) for i, e in PAIRS}
    annotated = dict(Task.objects.with_quadrant().values_list("pk", "quadrant_slug"))
    for (impact, effort), task in tasks.items():
        assert annotated[task.pk] == expected_quadrant(impact, effort).value


def test_unscored_task_has_no_quadrant():
    task = TaskFactory(unscored=True)
    assert task.quadrant is None
    assert Task.objects.with_quadrant().get(pk=task.pk).quadrant_slug == ""


def test_split_point_is_a_setting(settings):
    settings.MOPSBOARD_QUADRANT_SPLIT = 4
    assert quadrant_of(3, 3) == Quadrant.FILL_IN
    assert quadrant_of(4, 3) == Quadrant.QUICK_WIN
    task = TaskFactory(impact=4, effort=4)
    assert Task.objects.in_quadrant(Quadrant.MAJOR_PROJECT).get() == task


@pytest.mark.parametrize(("impact", "effort"), PAIRS)
@pytest.mark.parametrize("target", list(Quadrant))
def test_rescore_is_the_smallest_change_into_the_target(impact, effort, target):
    new_impact, new_effort = scores_for_quadrant(impact, effort, target)
    assert quadrant_of(new_impact, new_effort) == target
    smallest = min(
        abs(i - impact) + abs(e - effort) for i, e in PAIRS if quadrant_of(i, e) == target
    )
    assert abs(new_impact - impact) + abs(new_effort - effort) == smallest


def test_a_task_already_in_the_target_keeps_its_scores():
    assert scores_for_quadrant(5, 1, Quadrant.QUICK_WIN) == (5, 1)


def test_money_pit_to_quick_win_moves_both_scores_just_across_the_split():
    assert scores_for_quadrant(2, 4, Quadrant.QUICK_WIN) == (3, 2)


def test_estimate_defaults_from_effort_until_hours_are_entered():
    task = TaskFactory(effort=5, estimate_hours=None)
    assert task.estimate == 40
    task.estimate_hours = 12
    assert task.estimate == 12
