"""Forms of the self-service screens: a short request, a reply, reopen and a 1–5 answer."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.assets.models import InventoryItem

from .forms import PLACE_INVALID
from .models import Category
from .self_service import PLACE_ADDRESS, PLACE_MAP, PLACE_OFFICE, category_choices

PLACES = ((PLACE_OFFICE, _("My office")), (PLACE_ADDRESS, _("An address")), (PLACE_MAP, _("On the map")))


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InventoryItem) -> str:
        name = " ".join(p for p in (obj.brand, obj.model_name) if p)
        return f"{obj.get_kind_display()} – {name} ({obj.tasinir_no})" if name else str(obj)


class SelfTicketForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("self-service", "What is wrong?"), max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. The printer does not print")}))
    description = forms.CharField(label=pgettext_lazy("self-service", "Details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
                                      "What happened, since when, any error message")}))
    category = forms.ModelChoiceField(label=pgettext_lazy("self-service", "It is about"),
                                      queryset=Category.objects.all())
    item = ItemChoiceField(label=pgettext_lazy("self-service", "Which of my equipment?"), required=False,
                           queryset=InventoryItem.objects.none(), empty_label=_("None / not equipment"),
                           widget=forms.RadioSelect, blank=True)
    place = forms.ChoiceField(label=pgettext_lazy("self-service", "Where?"), choices=PLACES, initial=PLACE_OFFICE,
                              widget=forms.RadioSelect)
    address = forms.CharField(label=pgettext_lazy("self-service", "Address"), max_length=250, required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, error_messages={"invalid": PLACE_INVALID})
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, error_messages={"invalid": PLACE_INVALID})
    file = forms.FileField(label=pgettext_lazy("self-service", "Photo or file (optional)"), required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------"), *category_choices()]
        self.fields["item"].queryset = items if items is not None else InventoryItem.objects.none()

    def clean(self):
        from ogc.crs import storage_area

        data = super().clean()
        lon, lat = data.get("lon"), data.get("lat")
        if lon is not None and lat is not None:
            west, south, east, north = storage_area(settings.CBS_SRID, 4326).extent
            if not (west <= lon <= east and south <= lat <= north):
                self.add_error("lon", _("The place lies outside the area of the municipality's coordinate "
                                        "reference system."))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("self-service", "Your message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("self-service", "What is still wrong?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=pgettext_lazy("self-service", "How satisfied are you?"), coerce=int,
                                    choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect)
    comment = forms.CharField(label=pgettext_lazy("self-service", "Comment (optional)"), max_length=500,
                              required=False)
