"""Forms of the help-desk screens (the services do the validation that matters)."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from backoffice.assets.models import Staff

from .models import Category, Channel, EventKind, Priority, Status, Ticket

PLACE_INVALID = _("The place on the map is not a valid coordinate.")


class TicketForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.select_related("parent"))
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    requester_staff = forms.ModelChoiceField(label=_("Requesting staff"), required=False,
                                             queryset=Staff.objects.filter(active=True).select_related("unit"))
    requester_name = forms.CharField(label=_("Citizen's name"), max_length=150, required=False)
    requester_phone = forms.CharField(label=_("Citizen's telephone"), max_length=20, required=False)
    requester_email = forms.EmailField(label=_("Citizen's e-mail"), required=False)
    consent_note = forms.CharField(label=_("Consent (KVKK)"), max_length=250, required=False,
                                   help_text=_("How the citizen agreed to the processing, e.g. “verbal, by phone”."))
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    cimer_number = forms.CharField(label=_("CİMER/BİMER application number"), max_length=30, required=False)
    cimer_applied_on = forms.DateField(label=_("CİMER/BİMER application date"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}),
                                       help_text=_("The 30-day legal answer deadline counts from this day "
                                                   "(calendar days; default: today)."))
    # The place picked on the map, in degrees (finite numbers: FloatField refuses NaN and inf).
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, error_messages={"invalid": PLACE_INVALID})
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, error_messages={"invalid": PLACE_INVALID})
    camera = forms.IntegerField(required=False, widget=forms.HiddenInput)
    device = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        """A place must lie where the storage CRS is defined (beyond it PROJ cannot transform it,
        and a point outside longitude/latitude does not exist)."""
        from ogc.crs import storage_area

        data = super().clean()
        lon, lat = data.get("lon"), data.get("lat")
        if lon is not None and lat is not None:
            west, south, east, north = storage_area(settings.CBS_SRID, 4326).extent
            if not (west <= lon <= east and south <= lat <= north):
                self.add_error("lon", _("The place lies outside the area of the municipality's coordinate "
                                        "reference system."))
        return data


class BulkAssignForm(forms.Form):
    """The queue's bulk assignment: tickets and one assignee (from `assignees`)."""

    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=get_user_model().objects.none())
    ticket = forms.ModelMultipleChoiceField(label=_("Tickets"), queryset=Ticket.objects.all())

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else get_user_model().objects.none()


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=get_user_model().objects.none())

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else get_user_model().objects.none()


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, v) for k, v in EventKind.choices
                                                       if k in (EventKind.REPLY, EventKind.NOTE, EventKind.WORK)])
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.IntegerField(label=_("Time spent (minutes)"), min_value=0, max_value=1440, initial=0)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File"))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=20)
