"""Sample help-desk history for the demo: a few hundred tickets over the last months, written
through the services (SLA clock, events, audit), at cameras, devices, sites or buildings."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from backoffice.assets.models import Camera, NetworkDevice, Site, Staff
from cbs.audit.context import acting_as

from . import services
from .models import Category, Channel, Status, Ticket

SUBJECTS = {
    "Görüntü yok": "Kameradan görüntü gelmiyor", "Kayıt yok": "Kamera kaydı alınmıyor",
    "Bilgisayar": "Bilgisayar açılmıyor", "Yazıcı / tarayıcı": "Yazıcı kağıt sıkıştırıyor",
    "İnternet erişimi": "İnternet bağlantısı yok", "Kablosuz ağ": "Kablosuz ağa bağlanılamıyor",
    "EBYS": "EBYS'ye giriş yapılamıyor", "Harita / veri talebi": "Parsel ve imar verisi talebi",
    "Numarataj": "Yeni binaya numara talebi",
}


@transaction.atomic
def load_tickets(count: int = 300) -> int:
    if Ticket.objects.exists():
        return 0
    rng = random.Random(1739)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["yardim", "teknisyen"])}
    desk, tech = users.get("yardim"), users.get("teknisyen")
    categories = {c.name: c for c in Category.objects.filter(name__in=SUBJECTS)}
    cameras, devices = list(Camera.objects.all()[:200]), list(NetworkDevice.objects.all()[:100])
    sites, staff = list(Site.objects.all()), list(Staff.objects.all())
    now = timezone.now()
    with acting_as("command:load_ticket_samples"):
        for n in range(count):
            name = rng.choice(list(categories))
            opened = now - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 8))
            citizen = rng.random() < 0.3
            data = services.TicketInput(
                title=SUBJECTS[name], description=f"{SUBJECTS[name]}. (örnek kayıt {n + 1})",
                channel=rng.choice(Channel.values) if citizen else rng.choice(["telefon", "eposta", "web"]),
                category=categories[name], priority=rng.choice([1, 2, 3, 3, 3, 4]),
                requester_staff=None if citizen else rng.choice(staff),
                requester_name=f"Vatandaş {n}" if citizen else "", requester_phone="0212 000 00 00" if citizen else "",
                consent_note="sözlü" if citizen else "",
                camera=rng.choice(cameras) if name in ("Görüntü yok", "Kayıt yok") else None,
                device=rng.choice(devices) if name in ("İnternet erişimi", "Kablosuz ağ") else None,
                site=None if name in ("Görüntü yok", "Kayıt yok", "İnternet erişimi", "Kablosuz ağ") else rng.choice(sites))
            ticket = services.ticket_open(data=data, now=opened)
            if tech is None or rng.random() < 0.1:
                continue  # some stay new
            step = opened + timedelta(minutes=rng.randint(5, 240))
            ticket = services.ticket_assign(ticket=ticket, assignee=tech, user=desk, now=step, notify=False)
            if rng.random() < 0.15:
                continue
            step += timedelta(hours=rng.randint(1, 30))
            ticket = services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=tech, now=step,
                                                notify=False)
            if rng.random() < 0.2 or step > now:
                continue
            step += timedelta(hours=rng.randint(1, 60))
            if step < now:
                ticket = services.ticket_transition(ticket=ticket, status=Status.RESOLVED, user=tech, now=step,
                                                    note="Sorun giderildi.", notify=False)
                if rng.random() < 0.7 and step + timedelta(days=2) < now:
                    services.ticket_transition(ticket=ticket, status=Status.CLOSED, user=desk,
                                               now=step + timedelta(days=2), notify=False)
    return count
