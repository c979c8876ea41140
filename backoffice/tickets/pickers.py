"""Choices for the searchable pickers of the help-desk forms (Tom Select on the page): staff by
name + unit (+ sicil, so two people of the same name are told apart), categories grouped under
their parent, inventory items grouped by kind, users by full name."""

from __future__ import annotations

from django import forms
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from backoffice.assets.models import InventoryItem, Staff

PICKER = {"data-picker": "1", "data-no-results": _("Nothing found")}
SEARCH_HINT = _("Type to search…")


def style_widgets(form: forms.Form) -> None:
    """Bootstrap's classes on every input of a form (pickers and chips keep their own look)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        subwidgets = getattr(widget, "widgets", [widget])
        for sub in subwidgets:
            if "data-picker" in sub.attrs:
                continue
            css = "form-select form-select-sm" if isinstance(sub, forms.Select) else "form-control form-control-sm"
            sub.attrs.setdefault("class", css)


class StaffChoiceField(forms.ModelChoiceField):
    """"Ayşe Yılmaz – İmar ve Şehircilik Müdürlüğü (1102)": the unit and the sicil disambiguate."""

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} – {obj.unit} ({obj.registry_no})"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InventoryItem) -> str:
        name = " ".join(p for p in (obj.brand, obj.model_name) if p)
        return f"{obj.get_kind_display()} – {name} ({obj.tasinir_no})" if name else str(obj)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


def grouped_items(items: QuerySet) -> list:
    """Items as option groups by kind, for a <select> (holders' zimmet are marked by the page)."""
    field = ItemChoiceField(queryset=items)
    groups: dict[str, list] = {}
    for item in items.order_by("kind", "tasinir_no"):
        groups.setdefault(item.get_kind_display(), []).append((item.pk, field.label_from_instance(item)))
    return [("", SEARCH_HINT), *sorted(groups.items())]


def duplicate_names() -> set[str]:
    """Staff names held by more than one person (the picker shows their sicil prominently)."""
    return set(Staff.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).values_list("name", flat=True))
