"""Forms of the help-desk screens (the services do the validation that matters)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from backoffice.assets.models import Staff

from .models import Category, Channel, EventKind, Priority, Status


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
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    camera = forms.IntegerField(required=False, widget=forms.HiddenInput)
    device = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site = forms.IntegerField(required=False, widget=forms.HiddenInput)


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
