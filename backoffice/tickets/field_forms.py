"""Forms of the technician's phone screens (issue 20.2): the "İşlerim" filters, the work log and
resolving on site with the asset and maintenance options. Input only; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.assets.models.maintenance import MaintenanceOutcome

from .models import OPEN_STATES, Priority
from .selectors import Sla


class MyWorkFilterForm(forms.Form):
    """Narrow "İşlerim": SLA state, priority, status (all optional)."""

    sla = forms.ChoiceField(label=_("SLA"), required=False, choices=[
        ("", pgettext_lazy("filter", "All")), (Sla.BREACHED, _("Breached")), (Sla.AT_RISK, _("At risk")),
        (Sla.OK, _("On time"))])
    priority = forms.TypedChoiceField(label=_("Priority"), required=False, coerce=int, empty_value=None,
                                      choices=[("", pgettext_lazy("filter", "All")), *Priority.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All")),
                                        *[(s.value, s.label) for s in OPEN_STATES]])


class WorkLogForm(forms.Form):
    text = forms.CharField(label=_("What did you do?"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    minutes = forms.IntegerField(label=_("Time spent (minutes)"), min_value=0, max_value=1440, initial=30,
                                 widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))


class ResolveOnSiteForm(forms.Form):
    note = forms.CharField(label=_("How was it resolved? (the requester reads this)"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    reactivate = forms.BooleanField(label=_("Set the asset back to active"), required=False, initial=True,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    maintenance = forms.BooleanField(label=_("Write the maintenance record from the work log"), required=False,
                                     initial=True, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    # The date input needs ISO dates: without the format the localised value leaves it empty.
    done_on = forms.DateField(label=_("Maintenance date"), initial=timezone.localdate, required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                     format="%Y-%m-%d"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MaintenanceOutcome.choices,
                                initial=MaintenanceOutcome.FIXED,
                                widget=forms.Select(attrs={"class": "form-select"}))
    parts = forms.CharField(label=_("Parts used"), max_length=250, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))

    def clean(self):
        data = super().clean()
        if data.get("maintenance") and not data.get("done_on"):
            self.add_error("done_on", _("Give the date of the maintenance."))
        if data.get("done_on") and data["done_on"] > timezone.localdate():
            self.add_error("done_on", _("The date lies in the future."))
        return data
