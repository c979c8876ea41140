"""The help-desk queue's filters (django-filter): status, team, category (with its sub-
categories), priority, assignee, mahalle (spatial), SLA state, opening dates and text."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layers.models import Mahalle

from .models import Category, Channel, Priority, Status, Team, Ticket
from .cimer import LegalState, legal_q
from .selectors import Sla, sla_filter

SLA_CHOICES = ((Sla.OK, _("On time")), (Sla.AT_RISK, _("At risk")), (Sla.BREACHED, _("Breached")),
               (Sla.NONE, _("No SLA")))
LEGAL_CHOICES = (("pending", _("Awaiting answer")), (LegalState.WARN7, _("7 days or less left")),
                 (LegalState.WARN2, _("2 days or less left")), (LegalState.OVERDUE, _("Legal deadline passed")))


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or subject"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.select_related("parent"),
                                                method="in_category")
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"), queryset=get_user_model().objects.filter(is_active=True).order_by("username"))
    mahalle = django_filters.ModelChoiceFilter(label=_("Neighbourhood"), queryset=Mahalle.objects.order_by("adi"),
                                               method="in_mahalle")
    sla = django_filters.ChoiceFilter(label=_("SLA"), choices=SLA_CHOICES, method="sla_state")
    opened = django_filters.DateFromToRangeFilter(label=_("Opened between"), field_name="created_at")
    legal = django_filters.ChoiceFilter(label=_("CİMER deadline"), choices=LEGAL_CHOICES, method="legal_state")

    class Meta:
        model = Ticket
        fields = []

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def in_category(self, qs, name, value):
        ids, frontier = {value.pk}, [value.pk]
        while frontier:  # the category tree is shallow: one query per level
            frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return qs.filter(category_id__in=ids)

    def in_mahalle(self, qs, name, value):
        return qs.filter(location__within=value.geom)

    def legal_state(self, qs, name, value):
        return qs.filter(legal_q(value))

    def sla_state(self, qs, name, value):
        return sla_filter(qs, value)
