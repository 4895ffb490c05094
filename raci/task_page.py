"""The RACI panel of a task's page: the people with a letter on the task, the search for
more, and the form for someone new. Drawn by the page (the `task_raci_panel` tag) and by
the RACI's answers to the panel's own forms (raci.views)."""

from functools import cached_property

from backlog.models import Task
from raci.forms import PeopleSearchForm, StakeholderRoleForm
from raci.selectors import PEOPLE_FOUND, MatrixRow, people_to_add, task_raci


class TaskRaciPanel:
    def __init__(self, task: Task, query, *, stakeholder_form=None):
        self.task = task
        # Unbound until something is searched for, so an empty page shows no error.
        self.search = PeopleSearchForm(query if "people" in query else None)
        self.stakeholder_form = stakeholder_form or StakeholderRoleForm()

    @cached_property
    def row(self) -> MatrixRow:
        return task_raci(self.task)

    @property
    def text(self) -> str:
        return self.search.cleaned_data["people"] if self.search.is_valid() else ""

    @cached_property
    def _found(self):
        return people_to_add(self.task, self.text)

    @property
    def found(self):
        return self._found[:PEOPLE_FOUND]

    @property
    def more(self) -> bool:
        return len(self._found) > PEOPLE_FOUND
