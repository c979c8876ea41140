"""Reference data every install starts with: teams, the category tree with its routing, default
SLA targets, and official holidays (religious holidays of later years are entered by the admin
once the Presidency of Religious Affairs publishes them)."""

from datetime import date, time

from django.db import migrations

TEAMS = ("Teknik Destek", "Sistem ve Ağ", "Yazılım", "CBS")
CATEGORIES = {  # name: (team, children)
    "Donanım": ("Teknik Destek", ("Bilgisayar", "Yazıcı / tarayıcı", "Monitör")),
    "Yazılım": ("Yazılım", ("EBYS", "Muhasebe", "Ofis yazılımları")),
    "Ağ": ("Sistem ve Ağ", ("İnternet erişimi", "Kablosuz ağ", "Fiber hat")),
    "Kamera / KGYS": ("Sistem ve Ağ", ("Görüntü yok", "Kayıt yok", "Yön / odak")),
    "Telefon santrali": ("Sistem ve Ağ", ()),
    "E-imza": ("Teknik Destek", ()),
    "E-posta": ("Sistem ve Ağ", ()),
    "CBS veri talebi": ("CBS", ("Harita / veri talebi", "Numarataj", "Katman güncelleme")),
}
# priority: (response, resolution) in working minutes (a working day is 9 hours)
DEFAULT_SLA = {1: (30, 240), 2: (60, 540), 3: (240, 1620), 4: (540, 4860)}
CAMERA_SLA = {1: (15, 120), 2: (30, 240)}
HALF = time(13, 0)
HOLIDAYS = [
    (date(2026, 1, 1), "Yılbaşı", None), (date(2026, 3, 19), "Ramazan Bayramı arifesi", HALF),
    (date(2026, 3, 20), "Ramazan Bayramı 1. gün", None), (date(2026, 3, 21), "Ramazan Bayramı 2. gün", None),
    (date(2026, 3, 22), "Ramazan Bayramı 3. gün", None),
    (date(2026, 4, 23), "Ulusal Egemenlik ve Çocuk Bayramı", None), (date(2026, 5, 1), "Emek ve Dayanışma Günü", None),
    (date(2026, 5, 19), "Atatürk'ü Anma, Gençlik ve Spor Bayramı", None),
    (date(2026, 5, 26), "Kurban Bayramı arifesi", HALF), (date(2026, 5, 27), "Kurban Bayramı 1. gün", None),
    (date(2026, 5, 28), "Kurban Bayramı 2. gün", None), (date(2026, 5, 29), "Kurban Bayramı 3. gün", None),
    (date(2026, 5, 30), "Kurban Bayramı 4. gün", None),
    (date(2026, 7, 15), "Demokrasi ve Millî Birlik Günü", None), (date(2026, 8, 30), "Zafer Bayramı", None),
    (date(2026, 10, 28), "Cumhuriyet Bayramı arifesi", HALF), (date(2026, 10, 29), "Cumhuriyet Bayramı", None),
    (date(2027, 1, 1), "Yılbaşı", None), (date(2027, 4, 23), "Ulusal Egemenlik ve Çocuk Bayramı", None),
    (date(2027, 5, 1), "Emek ve Dayanışma Günü", None),
    (date(2027, 5, 19), "Atatürk'ü Anma, Gençlik ve Spor Bayramı", None),
    (date(2027, 7, 15), "Demokrasi ve Millî Birlik Günü", None), (date(2027, 8, 30), "Zafer Bayramı", None),
    (date(2027, 10, 28), "Cumhuriyet Bayramı arifesi", HALF), (date(2027, 10, 29), "Cumhuriyet Bayramı", None),
]


def load(apps, schema_editor):
    Team = apps.get_model("tickets", "Team")
    Category = apps.get_model("tickets", "Category")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    Holiday = apps.get_model("tickets", "Holiday")
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
    for name, (team, children) in CATEGORIES.items():
        parent, _ = Category.objects.get_or_create(name=name, parent=None, defaults={"team": teams[team]})
        for child in children:
            Category.objects.get_or_create(name=child, parent=parent)
        if name == "Kamera / KGYS":
            for priority, (response, resolution) in CAMERA_SLA.items():
                SlaPolicy.objects.get_or_create(category=parent, priority=priority, defaults={
                    "response_minutes": response, "resolution_minutes": resolution})
    for priority, (response, resolution) in DEFAULT_SLA.items():
        SlaPolicy.objects.get_or_create(category=None, priority=priority, defaults={
            "response_minutes": response, "resolution_minutes": resolution})
    for day, name, ends in HOLIDAYS:
        Holiday.objects.get_or_create(day=day, defaults={"name": name, "ends_at": ends})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_number_sequence")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
