import django_filters
from django.db.models import Q

from mail.models import Email


class EmailFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="To or subject")
    status = django_filters.ChoiceFilter(choices=Email.Status.choices, empty_label="Any status")

    class Meta:
        model = Email
        fields = ["q", "status"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(to__icontains=value) | Q(subject__icontains=value))
