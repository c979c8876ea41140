"""Asset writes: lifecycle, unique IP/MAC/serial, bad input, custody and licence rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from backoffice.assets import services
from backoffice.assets.models import (
    Camera, DeviceStatus, FiberLink, InventoryItem, ItemKind, ItemStatus, License, NetworkDevice, Staff, Unit,
)
from cbs.testing import make_user
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create, feature_update

DEVICES, CAMERAS, FIBER = get_layer("ay-cihaz"), get_layer("kh-kamera"), get_layer("ay-fiber")
POINT = "SRID=5254;POINT(407900 4541100)"


def errors_of(call) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def device_props(**extra) -> dict:
    return {"adi": "Test switch", "tur": "switch", "lokasyon": "ZB-SO-001", "durum": "planlandi", **extra}


class DeviceTests:
    def test_lifecycle_moves_are_checked_on_every_update(self, db):
        """planned → installed → active → faulty → active → retired; retired is final; a jump
        from planned to active is refused with both states named."""
        device = feature_create(layer=DEVICES, feature=FeatureInput(device_props(), POINT))
        errors = errors_of(lambda: feature_update(layer=DEVICES, instance=device, properties={"durum": "aktif"}))
        assert "Planned" in errors["durum"][0] and "Active" in errors["durum"][0]
        for status in ("kuruldu", "aktif", "arizali", "aktif", "hizmetDisi"):
            device = feature_update(layer=DEVICES, instance=device, properties={"durum": status})
        assert device.durum == DeviceStatus.RETIRED
        errors = errors_of(lambda: feature_update(layer=DEVICES, instance=device, properties={"durum": "aktif"}))
        assert "none" in errors["durum"][0]

    def test_duplicate_ip_mac_serial_refused_clearly(self, db):
        """Unique management IP, MAC (whatever its spelling) and serial, with field-named errors."""
        existing = NetworkDevice.objects.exclude(ip=None).exclude(mac=None).first()
        errors = errors_of(lambda: feature_create(layer=DEVICES, feature=FeatureInput(device_props(
            ip=existing.ip, mac=existing.mac.upper().replace(":", "-"), seriNo=existing.seri_no), POINT)))
        assert {"ip", "mac", "seri_no"} <= set(errors) or {"ip", "mac", "seriNo"} <= set(errors)

    @pytest.mark.parametrize(("field", "value"), [("ip", "10.0.0.300"), ("mac", "00:11:22:33:44"),
                                                   ("mac", "zz:11:22:33:44:55")])
    def test_invalid_ip_or_mac_is_a_clear_error(self, db, field, value):
        errors = errors_of(lambda: feature_create(layer=DEVICES, feature=FeatureInput(
            device_props(**{field: value}), POINT)))
        assert field in errors

    def test_mac_is_normalised(self, db):
        device = feature_create(layer=DEVICES, feature=FeatureInput(device_props(mac="AABB.CCDD.EEFF"), POINT))
        assert device.mac == "aa:bb:cc:dd:ee:ff"


class CameraAndFiberTests:
    @pytest.mark.parametrize("azimuth", [-1, 360.5, 720])
    def test_azimuth_outside_0_360_is_refused(self, db, azimuth):
        props = {"adi": "K", "tur": "kgys", "montaj": "direk", "kameraTipi": "sabit", "azimut": azimuth,
                 "gorusAcisi": 60, "menzil": 100}
        errors = errors_of(lambda: feature_create(layer=CAMERAS, feature=FeatureInput(props, POINT)))
        assert "azimut" in errors
        assert not Camera.objects.filter(adi="K").exists()

    def test_fiber_to_unknown_site_is_refused(self, db):
        props = {"adi": "F", "baslangicLokasyon": "ZB-SO-001", "bitisLokasyon": "YOK-999", "damarSayisi": 12}
        errors = errors_of(lambda: feature_create(layer=FIBER, feature=FeatureInput(
            props, "SRID=5254;LINESTRING(407900 4541100, 408000 4541100)")))
        assert "bitis" in errors or "bitisLokasyon" in errors
        assert not FiberLink.objects.filter(adi="F").exists()

    def test_fiber_length_is_measured_in_the_tm_zone(self, db):
        props = {"adi": "F2", "baslangicLokasyon": "ZB-SO-001", "bitisLokasyon": "ZB-BN-001", "damarSayisi": 12,
                 "kullanilanDamar": 4}
        fiber = feature_create(layer=FIBER, feature=FeatureInput(
            props, "SRID=5254;LINESTRING(407900 4541100, 408000 4541100, 408000 4541250)"))
        assert fiber.uzunluk == 250.0

    def test_more_used_cores_than_the_cable_has_is_refused(self, db):
        props = {"adi": "F3", "baslangicLokasyon": "ZB-SO-001", "bitisLokasyon": "ZB-BN-001",
                 "damarSayisi": 12, "kullanilanDamar": 13}
        errors = errors_of(lambda: feature_create(layer=FIBER, feature=FeatureInput(
            props, "SRID=5254;LINESTRING(407900 4541100, 408000 4541100)")))
        assert any("cores" in m for ms in errors.values() for m in ms)

    def test_helpdesk_role_may_not_edit_assets(self, db):
        viewer = make_user(("module:assets", "view"))
        with pytest.raises(PermissionDenied):
            feature_create(layer=DEVICES, feature=FeatureInput(device_props(), POINT), user=viewer)


@pytest.fixture
def stock_item(db):
    unit = Unit.objects.first()
    return services.item_create(kind=ItemKind.LAPTOP, tasinir_no="255.99/TEST/1", serial_no="T-1", unit=unit)


class CustodyTests:
    def test_assign_return_and_history(self, db, stock_item):
        staff = Staff.objects.first()
        editor = make_user(("module:assets", "edit"))
        services.item_assign(item=stock_item, staff=staff, document_no="ZT-1", user=editor)
        stock_item.refresh_from_db()
        assert (stock_item.status, stock_item.unit) == (ItemStatus.ASSIGNED, staff.unit)
        services.item_return(item=stock_item, user=editor)
        stock_item.refresh_from_db()
        assert stock_item.status == ItemStatus.IN_STOCK and stock_item.version == 3
        assert stock_item.assignments.get().returned_on is not None

    def test_one_holder_at_a_time(self, db, stock_item):
        first, second = Staff.objects.all()[:2]
        services.item_assign(item=stock_item, staff=first, document_no="ZT-2")
        errors = errors_of(lambda: services.item_assign(item=stock_item, staff=second, document_no="ZT-3"))
        assert first.name in errors["item"][0]
        assert stock_item.assignments.count() == 1

    def test_retired_item_and_missing_record_refused(self, db, stock_item):
        staff = Staff.objects.first()
        assert "document_no" in errors_of(lambda: services.item_assign(item=stock_item, staff=staff, document_no=" "))
        InventoryItem.objects.filter(pk=stock_item.pk).update(status=ItemStatus.RETIRED)
        assert "item" in errors_of(lambda: services.item_assign(item=stock_item, staff=staff, document_no="Z"))

    def test_assigned_item_cannot_move_units(self, db, stock_item):
        services.item_assign(item=stock_item, staff=Staff.objects.first(), document_no="ZT-4")
        other = Unit.objects.exclude(pk=stock_item.unit_id).first()
        assert "item" in errors_of(lambda: services.item_move(item=stock_item, to_unit=other))

    def test_move_between_units(self, db, stock_item):
        other = Unit.objects.exclude(pk=stock_item.unit_id).first()
        movement = services.item_move(item=stock_item, to_unit=other)
        stock_item.refresh_from_db()
        assert stock_item.unit == other and movement.from_unit != other

    def test_returning_an_unassigned_item_is_an_error(self, db, stock_item):
        assert "item" in errors_of(lambda: services.item_return(item=stock_item))

    def test_viewer_cannot_assign(self, db, stock_item):
        with pytest.raises(PermissionDenied):
            services.item_assign(item=stock_item, staff=Staff.objects.first(), document_no="Z",
                                 user=make_user(("module:assets", "view")))
        assert not stock_item.assignments.exists()


class LicenceTests:
    def test_seats_are_limited(self, db, stock_item):
        licence = License.objects.create(name="X", seats=1, expires_on=date.today() + timedelta(days=10))
        services.license_seat_assign(license=licence, item=stock_item)
        errors = errors_of(lambda: services.license_seat_assign(license=licence, staff=Staff.objects.first()))
        assert "1" in errors["license"][0]

    def test_expired_licence_cannot_be_given(self, db, stock_item):
        licence = License.objects.create(name="Y", seats=5, expires_on=date.today() - timedelta(days=1))
        assert "license" in errors_of(lambda: services.license_seat_assign(license=licence, item=stock_item))
