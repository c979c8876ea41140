"""Forms of the help-desk screens (the services do the validation that matters)."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.assets.models import InventoryItem, ItemStatus, Staff

from .models import Category, Channel, EventKind, Priority, Status, Ticket
from .pickers import PICKER, SEARCH_HINT, ItemChoiceField, StaffChoiceField, UserChoiceField, grouped_items, style_widgets

PLACE_INVALID = _("The place on the map is not a valid coordinate.")


class StyledFormMixin:
    """Bootstrap's look on the inputs (the screens render these forms field by field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class TicketForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("ticket", "Subject"), max_length=200)
    description = forms.CharField(label=pgettext_lazy("ticket", "Description"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=pgettext_lazy("ticket", "Channel"), choices=Channel.choices)
    category = forms.ModelChoiceField(label=pgettext_lazy("ticket", "Category"), queryset=Category.objects.all(),
                                      widget=forms.Select(attrs=PICKER))
    priority = forms.TypedChoiceField(label=pgettext_lazy("ticket", "Priority"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    requester_staff = StaffChoiceField(label=pgettext_lazy("ticket", "Requesting staff"), required=False,
                                       queryset=Staff.objects.filter(active=True).select_related("unit"),
                                       widget=forms.Select(attrs=PICKER), empty_label=SEARCH_HINT)
    requester_name = forms.CharField(label=pgettext_lazy("ticket", "Citizen's name"), max_length=150, required=False)
    requester_phone = forms.CharField(label=pgettext_lazy("ticket", "Citizen's telephone"), max_length=20, required=False)
    requester_email = forms.EmailField(label=pgettext_lazy("ticket", "Citizen's e-mail"), required=False)
    consent_note = forms.CharField(label=pgettext_lazy("ticket", "Consent (KVKK)"), max_length=250, required=False,
                                   help_text=_("How the citizen agreed to the processing, e.g. “verbal, by phone”."))
    address = forms.CharField(label=pgettext_lazy("ticket", "Address"), max_length=250, required=False)
    item = ItemChoiceField(label=pgettext_lazy("ticket", "Inventory item"), required=False,
                           queryset=InventoryItem.objects.all(), widget=forms.Select(attrs=PICKER),
                           help_text=_("The requester's own items (zimmet) are listed first."))
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .self_service import category_choices

        self.fields["category"].choices = [("", SEARCH_HINT), *category_choices()]
        self.fields["item"].choices = grouped_items(InventoryItem.objects.exclude(status=ItemStatus.RETIRED))
        self.fields["item"].widget.attrs.update({"data-staff-items-url": reverse("tickets:api_staff_items"),
                                                 "data-zimmet-label": _("The requester's items (zimmet)")})
        style_widgets(self)

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


class BulkAssignForm(StyledFormMixin, forms.Form):
    """The queue's bulk assignment: tickets and one assignee (from `assignees`)."""

    assignee = forms.ModelChoiceField(label=pgettext_lazy("ticket", "Assignee"), queryset=get_user_model().objects.none())
    ticket = forms.ModelMultipleChoiceField(label=pgettext_lazy("ticket", "Tickets"), queryset=Ticket.objects.all())

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else get_user_model().objects.none()


class AssignForm(StyledFormMixin, forms.Form):
    assignee = UserChoiceField(label=pgettext_lazy("ticket", "Assignee"), queryset=get_user_model().objects.none(),
                               widget=forms.Select(attrs=PICKER), empty_label=_("Choose a technician…"))

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else get_user_model().objects.none()


class TransitionForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("ticket", "New status"), choices=Status.choices)
    note = forms.CharField(label=pgettext_lazy("ticket", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(StyledFormMixin, forms.Form):
    # An internal note unless the agent chooses otherwise: a reply reaches the requester (a citizen, too).
    kind = forms.ChoiceField(label=pgettext_lazy("ticket", "Kind"), initial=EventKind.NOTE,
                             choices=[(k, EventKind(k).label) for k in (EventKind.NOTE, EventKind.REPLY, EventKind.WORK)],
                             widget=forms.RadioSelect)
    text = forms.CharField(label=pgettext_lazy("ticket", "Text"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.IntegerField(label=pgettext_lazy("ticket", "Time spent (minutes)"), min_value=0, max_value=1440, initial=0)


class AttachForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=pgettext_lazy("ticket", "File"))


class MergeForm(StyledFormMixin, forms.Form):
    into = forms.CharField(label=pgettext_lazy("ticket", "Merge into ticket number"), max_length=20)

