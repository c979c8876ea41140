"""Small forms for the custody actions on an inventory item page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MaintenanceOutcome, Staff, Unit


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Member of staff"), queryset=Staff.objects.filter(active=True))
    document_no = forms.CharField(label=_("Signed record no (zimmet tutanağı)"), max_length=40)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=250, required=False)


class ReturnForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    faulty = forms.BooleanField(label=_("Returned faulty"), required=False)


class MoveForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("To unit"), queryset=Unit.objects.all())
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=250, required=False)


class MaintenanceForm(forms.Form):
    # ISO format: a date input left the localised initial value (today) empty.
    done_on = forms.DateField(label=_("Date"), initial=timezone.localdate,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fault = forms.CharField(label=_("Fault"), max_length=250)
    action = forms.CharField(label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 2}))
    parts = forms.CharField(label=_("Parts used"), max_length=250, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MaintenanceOutcome.choices)
