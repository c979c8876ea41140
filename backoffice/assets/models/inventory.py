"""IT inventory and custody (zimmet): items, who holds them, moves between units, licences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cbs.models import exactly_one_of


class Unit(models.Model):
    """An administrative unit (müdürlük / birim) of the municipality."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    # The unit head (birim amiri) sees the unit's self-service tickets.
    head = models.ForeignKey("assets.Staff", verbose_name=_("unit head"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="headed_units")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A member of staff who can hold items (not every holder has a login)."""

    registry_no = models.CharField(_("staff number (sicil)"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("login"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="staff_record")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member of staff")
        verbose_name_plural = _("staff")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.registry_no})"


class ItemKind(models.TextChoices):
    COMPUTER = "bilgisayar", _("Computer")
    LAPTOP = "dizustu", _("Laptop")
    PRINTER = "yazici", _("Printer")
    SCANNER = "tarayici", _("Scanner")
    PHONE = "telefon", _("Phone")
    MONITOR = "monitor", _("Monitor")
    ESIGN = "eImza", _("E-signature token")
    TABLET = "tablet", _("Tablet")


class ItemStatus(models.TextChoices):
    IN_STOCK = "depoda", _("In stock")
    ASSIGNED = "zimmetli", pgettext_lazy("inventory item status", "Assigned")
    FAULTY = "arizali", _("Faulty")
    RETIRED = "hurda", _("Retired")


class InventoryItem(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    tasinir_no = models.CharField(_("fixed-asset number (taşınır)"), max_length=40, unique=True,
                                  help_text=_("e.g. 255.01.02/2024/000123"))
    serial_no = models.CharField(_("serial number"), max_length=60, unique=True, null=True, blank=True)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model_name = models.CharField(_("model"), max_length=60, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="items")
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices,
                              default=ItemStatus.IN_STOCK)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    site = models.ForeignKey("assets.Site", verbose_name=_("site"), to_field="kod", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="items")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["tasinir_no"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tasinir_no}"


class Assignment(models.Model):
    """Custody of an item by a member of staff, from assignment to return (the zimmet record)."""

    item = models.ForeignKey(InventoryItem, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="assignments")
    staff = models.ForeignKey(Staff, verbose_name=_("held by"), on_delete=models.PROTECT,
                              related_name="assignments")
    assigned_on = models.DateField(_("assigned on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    document_no = models.CharField(_("signed record no (zimmet tutanağı)"), max_length=40)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_on", "-id"]
        constraints = [
            # One holder at a time: at most one open assignment per item.
            models.UniqueConstraint(fields=["item"], condition=Q(returned_on__isnull=True),
                                    name="assets_one_open_assignment_per_item",
                                    violation_error_message=_("The item is already assigned.")),
            models.CheckConstraint(condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("assigned_on")),
                                   name="assets_return_after_assignment",
                                   violation_error_message=_("An item cannot be returned before it was assigned.")),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.staff}"


class Movement(models.Model):
    """An item moved from one unit to another."""

    item = models.ForeignKey(InventoryItem, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="movements")
    from_unit = models.ForeignKey(Unit, verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("moved on"))
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-moved_on", "-id"]


class License(models.Model):
    name = models.CharField(_("software"), max_length=150)
    vendor = models.CharField(_("vendor"), max_length=100, blank=True)
    seats = models.PositiveIntegerField(_("seats"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reference = models.CharField(_("contract / licence reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("software licence")
        verbose_name_plural = _("software licences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LicenseSeat(models.Model):
    """One seat of a licence given to a device (inventory item) or to a person."""

    license = models.ForeignKey(License, verbose_name=_("licence"), on_delete=models.PROTECT,
                                related_name="seat_assignments")
    item = models.ForeignKey(InventoryItem, verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="license_seats")
    staff = models.ForeignKey(Staff, verbose_name=_("person"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="license_seats")
    assigned_on = models.DateField(_("assigned on"))
    released_on = models.DateField(_("released on"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence seat")
        verbose_name_plural = _("licence seats")
        constraints = [exactly_one_of("item", "staff", message=_("A seat goes to an item or to a person."))]
