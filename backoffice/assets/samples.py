"""Sample IT inventory for a few units of the municipality, written through the services."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from cbs.audit.context import acting_as

from . import services
from .models import Camera, DeviceStatus, InventoryItem, ItemKind, License, NetworkDevice, Staff, Unit

UNITS = ("Bilgi İşlem Müdürlüğü", "İmar ve Şehircilik Müdürlüğü", "Fen İşleri Müdürlüğü",
         "Zabıta Müdürlüğü", "Yazı İşleri Müdürlüğü")
FIRST = ("Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep", "Hüseyin")
LAST = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir")
LICENCES = (("Microsoft Office LTSC 2021", "Microsoft", 60, 45), ("NetCAD GIS 8", "Netcad", 12, 200),
            ("QGIS destek sözleşmesi", "Yerel firma", 5, 80), ("Kurumsal antivirüs", "ESET", 250, 400))


@transaction.atomic
def load_inventory(today: date | None = None) -> int:
    """Units, staff, items with custody, licences and a few maintenance records; idempotent."""
    if Unit.objects.exists():
        return 0
    rng = random.Random(34020)
    today = today or date.today()
    with acting_as("command:load_inventory_samples"):
        units = [services.reference_create(Unit, name=name) for name in UNITS]
        count = 0
        for u, unit in enumerate(units):
            for n in range(8):
                staff = services.reference_create(
                    Staff, registry_no=f"{1000 + u * 100 + n}", unit=unit,
                    name=f"{FIRST[(u * 3 + n) % 10]} {LAST[(u + n * 7) % 10]}",
                    email=f"personel{1000 + u * 100 + n}@zeytinburnu.bel.tr")
                for kind in (ItemKind.COMPUTER, ItemKind.MONITOR, ItemKind.PHONE) + (
                        (ItemKind.ESIGN,) if n % 3 == 0 else ()):
                    count += 1
                    item = services.item_create(
                        kind=kind, tasinir_no=f"255.01.{u + 1:02d}/2023/{count:06d}",
                        serial_no=f"{kind[:3].upper()}{734000 + count}",
                        brand={"bilgisayar": "Dell", "monitor": "Philips", "telefon": "Yealink",
                               "eImza": "Akis"}[kind],
                        model_name={"bilgisayar": "OptiPlex 7010", "monitor": "243V7",
                                    "telefon": "T46U", "eImza": "Kart okuyucu"}[kind],
                        unit=unit, purchase_date=today - timedelta(days=rng.randint(200, 1500)),
                        warranty_end=today + timedelta(days=rng.randint(-300, 400)))
                    services.item_assign(item=item, staff=staff, document_no=f"ZT-{2023}-{count:05d}",
                                         on=today - timedelta(days=rng.randint(30, 600)))
            for _printer in range(2):  # shared printers stay with the unit, not a person
                count += 1
                services.item_create(kind=ItemKind.PRINTER, tasinir_no=f"255.01.{u + 1:02d}/2022/{count:06d}",
                                     serial_no=f"PRN{734000 + count}", brand="HP",
                                     model_name="LaserJet M428", unit=unit,
                                     warranty_end=today + timedelta(days=rng.randint(10, 120)))
        for name, vendor, seats, days in LICENCES:
            licence = services.reference_create(License, name=name, vendor=vendor, seats=seats,
                                                expires_on=today + timedelta(days=days))
            for item in InventoryItem.objects.filter(kind=ItemKind.COMPUTER)[: min(seats, 30)]:
                services.license_seat_assign(license=licence, item=item, on=today - timedelta(days=30))
        from django.contrib.auth import get_user_model

        technician, _ = get_user_model().objects.get_or_create(username="teknisyen")
        for device in NetworkDevice.objects.filter(durum=DeviceStatus.FAULTY)[:5]:
            services.maintenance_record_create(
                asset=device, technician=technician, done_on=today - timedelta(days=2),
                fault="Port hataları, bağlantı kopuyor", action="Uplink kablosu ve SFP kontrol edildi",
                outcome="giderilemedi", parts="SFP modülü siparişte")
        for camera in Camera.objects.filter(durum=DeviceStatus.FAULTY)[:5]:
            services.maintenance_record_create(
                asset=camera, technician=technician, done_on=today - timedelta(days=1),
                fault="Görüntü yok", action="PoE portu yeniden başlatıldı", outcome="kismen")
    return count
