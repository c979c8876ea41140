"""Publication workflow of layers (service) and the current states (selector)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from .models import LayerPublication, PublicationState
from .registry import Access, Layer

OUTSIDE = {PublicationState.HERKESE_ACIK, PublicationState.PROTOKOLLU}


def publication_states() -> dict[str, str]:
    """Layer name -> publication state (layers without a row are drafts)."""
    return dict(LayerPublication.objects.values_list("layer", "state"))


@transaction.atomic
def publication_set(
    *, layer: type[Layer], state: str, decision_number: str = "", decision_date: date | None = None,
    user=None,
) -> LayerPublication:
    """Move a layer to `state`, enforcing approval and the sensitivity rules."""
    publication, _created = LayerPublication.objects.select_for_update().get_or_create(layer=layer.name)
    before = {"state": publication.state, "decision_number": publication.decision_number,
              "decision_date": publication.decision_date}
    if state not in PublicationState.values:
        raise ValidationError({"state": _("Unknown publication state.")})
    if state == PublicationState.HERKESE_ACIK and (layer.sensitive or layer.access == Access.INTERNAL):
        raise ValidationError({"state": _("A sensitive layer can never be public.")})
    if state in OUTSIDE and layer.access == Access.INTERNAL:
        raise ValidationError({"state": _("This layer is internal and cannot be shared.")})
    if state != PublicationState.TASLAK:
        decision_number = decision_number or publication.decision_number
        decision_date = decision_date or publication.decision_date
        if not decision_number or not decision_date:
            raise ValidationError({"decision_number": _(
                "Approval needs the council decision number and date.")})
    publication.state = state
    publication.decision_number = decision_number
    publication.decision_date = decision_date
    publication.changed_by = user if user is not None and user.is_authenticated else None
    publication.full_clean()
    publication.save()
    audit_record(action="publication", object_type=f"layer:{layer.name}", object_id=layer.name,
                 object_repr=str(layer.title), before=before,
                 after={"state": state, "decision_number": decision_number,
                        "decision_date": decision_date}, user=user)
    return publication
