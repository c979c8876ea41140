"""Back-office assets: network sites, devices, fiber links and cameras (map layers), IT inventory
with custody (zimmet), software licences and maintenance records."""

from .cameras import Camera, CameraKind, CameraMount, CameraType
from .inventory import (
    Assignment, InventoryItem, ItemKind, ItemStatus, License, LicenseSeat, Movement, Staff, Unit,
)
from .maintenance import MaintenanceOutcome, MaintenanceRecord
from .network import DeviceStatus, DeviceType, FiberLink, FiberOwner, NetworkDevice, Site, SiteKind

__all__ = [
    "Assignment", "Camera", "CameraKind", "CameraMount", "CameraType", "DeviceStatus", "DeviceType",
    "FiberLink", "FiberOwner", "InventoryItem", "ItemKind", "ItemStatus", "License", "LicenseSeat",
    "MaintenanceOutcome", "MaintenanceRecord", "Movement", "NetworkDevice", "Site", "SiteKind",
    "Staff", "Unit",
]
