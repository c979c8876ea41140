"""Data for the help-desk form's pickers: the items a member of staff holds (offered first)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from backoffice.assets.models import Staff
from cbs.http import digits
from cbs.permissions import module_required

from .self_service import my_items


@require_GET
@module_required("tickets", "edit")
def staff_items(request: HttpRequest) -> JsonResponse:
    """{"items": [ids]} of the items the member of staff holds now (an unknown id: none)."""
    staff = Staff.objects.filter(pk=digits(request.GET.get("staff"))).first()
    ids = list(my_items(staff).values_list("pk", flat=True)) if staff is not None else []
    return JsonResponse({"items": ids})
