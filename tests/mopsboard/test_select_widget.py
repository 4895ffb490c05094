"""templates/django/forms/widgets/select.html writes the markup Django's own select does."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from backlog.filters import TaskFilter
from backlog.models import Task
from tests.factories import PersonFactory


class EverySelect(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("x", "X <b>&"), ("Group <i>", [("y", "Y"), ("z", 'Z "quoted"')])],
        initial="y",
    )
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")], initial=["1", "2"])
    unknown = forms.NullBooleanField()
    disabled = forms.ChoiceField(
        choices=[("1", "one")], widget=forms.Select(attrs={"class": "k", "disabled": True})
    )


def _same_as_djangos(make_form):
    ours = str(make_form())
    form = make_form()
    form.renderer = DjangoTemplates()
    assert parse_html(ours) == parse_html(str(form))
    return ours


def test_choices_groups_selection_and_attributes_render_as_djangos_select():
    html = _same_as_djangos(lambda: EverySelect({"grouped": "z", "many": ["2"]}))
    assert '<option value="z" selected>Z &quot;quoted&quot;</option>' in html
    assert '<optgroup label="Group &lt;i&gt;">' in html
    assert "X &lt;b&gt;&amp;" in html
    assert '<select name="disabled" class="k" disabled' in html


@pytest.mark.django_db
def test_the_filters_people_render_as_djangos_select():
    chosen = PersonFactory(name="<script>alert(1)</script>")
    PersonFactory.create_batch(3)

    html = _same_as_djangos(
        lambda: TaskFilter({"requester": str(chosen.pk)}, queryset=Task.objects.none()).form
    )
    assert (
        f'<option value="{chosen.pk}" selected>&lt;script&gt;alert(1)&lt;/script&gt;</option>'
        in html
    )
