"""The help-desk queue's filters (django-filter): status, team, category (with its sub-
categories), priority, assignee, mahalle (spatial), SLA state, opening dates and text."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from layers.models import Mahalle

from .cimer import LegalState, legal_q
from .models import OPEN_STATES, Category, Channel, Priority, Status, Team, Ticket
from .pickers import PICKER, style_widgets
from .selectors import Sla, sla_filter

SLA_CHOICES = ((Sla.OK, _("On time")), (Sla.AT_RISK, _("At risk")), (Sla.BREACHED, _("Breached")),
               (Sla.NONE, _("No SLA")))
LEGAL_CHOICES = (("pending", _("Awaiting answer")), (LegalState.WARN7, _("7 days or less left")),
                 (LegalState.WARN2, _("2 days or less left")), (LegalState.OVERDUE, _("Legal deadline passed")))


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=pgettext_lazy("ticket", "Number or subject"), method="search")
    # distinct=False: a column of the ticket itself matches each ticket once; django-filter's default
    # DISTINCT would sort every matching ticket (all closed ones: 65 000 of 100 000) before the page.
    status = django_filters.MultipleChoiceFilter(label=pgettext_lazy("ticket", "Status"), choices=Status.choices,
                                                 distinct=False,
                                                 widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}))
    team = django_filters.ModelChoiceFilter(label=pgettext_lazy("ticket", "Team"), queryset=Team.objects.all(),
                                            widget=forms.Select(attrs=PICKER))
    category = django_filters.ModelChoiceFilter(label=pgettext_lazy("ticket", "Category"), queryset=Category.objects.select_related("parent"),
                                                method="in_category", widget=forms.Select(attrs=PICKER))
    priority = django_filters.ChoiceFilter(label=pgettext_lazy("ticket", "Priority"), choices=Priority.choices)
    channel = django_filters.ChoiceFilter(label=pgettext_lazy("ticket", "Channel"), choices=Channel.choices)
    assignee = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("ticket", "Assignee"), widget=forms.Select(attrs=PICKER),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"))
    mahalle = django_filters.ModelChoiceFilter(label=pgettext_lazy("ticket", "Neighbourhood"), queryset=Mahalle.objects.only("adi").order_by("adi"),
                                               method="in_mahalle", widget=forms.Select(attrs=PICKER))
    sla = django_filters.ChoiceFilter(label=pgettext_lazy("ticket", "SLA"), choices=SLA_CHOICES, method="sla_state")
    opened = django_filters.DateFromToRangeFilter(
        label=pgettext_lazy("ticket", "Opened between"), field_name="created_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}))
    legal = django_filters.ChoiceFilter(label=_("CİMER deadline"), choices=LEGAL_CHOICES, method="legal_state")

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .self_service import category_choices

        # django-filter's field keeps its own choice iterator: the grouped list goes to the widget
        self.form.fields["category"].widget.choices = [("", "---------"), *category_choices()]
        for field in self.form.fields.values():  # an empty choice means "any": say so
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = _("All")
        style_widgets(self.form)
        # The queue without a filter shows the open tickets: their chips are shown ticked.
        self.form.fields["status"].initial = [s.value for s in OPEN_STATES]

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def in_category(self, qs, name, value):
        ids, frontier = {value.pk}, [value.pk]
        while frontier:  # the category tree is shallow: one query per level
            frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return qs.filter(category_id__in=ids)

    def in_mahalle(self, qs, name, value):
        # the choices load names only (no polygons to render a list); the chosen one's boundary here
        return qs.filter(location__within=Mahalle.objects.values_list("geom", flat=True).get(pk=value.pk))

    def legal_state(self, qs, name, value):
        return qs.filter(legal_q(value))

    def sla_state(self, qs, name, value):
        return sla_filter(qs, value)
