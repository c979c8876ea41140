"""Model helpers shared by the apps (no concrete models here)."""

from django.contrib.gis.db import models


def exactly_one_of(first: str, second: str, *, message) -> models.CheckConstraint:
    """A constraint: exactly one of two nullable foreign keys is set (e.g. group xor user)."""
    return models.CheckConstraint(
        condition=(models.Q(**{f"{first}__isnull": False, f"{second}__isnull": True})
                   | models.Q(**{f"{first}__isnull": True, f"{second}__isnull": False})),
        name=f"%(app_label)s_%(class)s_{first}_xor_{second}",
        violation_error_message=message,
    )
