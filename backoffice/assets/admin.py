"""Admin: the asset layers get the generated layer admin; the inventory models an audited one."""

from django.contrib import admin

from cbs.audit.admin_mixins import AuditedAdminMixin
from layers.admin import make_admin

from . import layers
from .models import Assignment, InventoryItem, License, LicenseSeat, MaintenanceRecord, Movement, Staff, Unit

for _layer in (layers.SiteLayer, layers.FiberLayer, layers.DeviceLayer, layers.CameraLayer):
    admin.site.register(_layer.model, make_admin(_layer))


@admin.register(Unit, Staff, InventoryItem, Assignment, Movement, License, LicenseSeat, MaintenanceRecord)
class InventoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass
