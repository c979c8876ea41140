"""Reads over notifications: the bell's unread count and a user's list."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet:
    return Notification.objects.filter(user=user, in_app=True).order_by("-created_at", "-id")
