"""Help-desk tickets: teams, a category tree, SLA policies per category and priority, official
holidays, tickets with location and asset links, their events (comments, work log, transitions)
and attachments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("team e-mail"), blank=True)
    # Breached SLAs escalate to the lead (notifications).
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("team", "team lead"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="led_teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A node of the category tree; tickets of it go to its team (or its parent's)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="tickets_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent} / {self.name}" if self.parent_id else self.name

    def routed_team(self) -> Team | None:
        node = self
        while node is not None:
            if node.team_id:
                return node.team
            node = node.parent
        return None


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class SlaPolicy(models.Model):
    """Response and resolution targets in working minutes; a category-less policy is the default."""

    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("response target (working minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (working minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="tickets_sla_unique"),
            models.UniqueConstraint(fields=["priority"], condition=Q(category__isnull=True),
                                    name="tickets_sla_default_unique"),
            models.CheckConstraint(condition=Q(response_minutes__lte=models.F("resolution_minutes")),
                                   name="tickets_sla_response_before_resolution"),
        ]


class Holiday(models.Model):
    """An official holiday (no working time) or a half day (work ends at `ends_at`)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    ends_at = models.TimeField(_("work ends at (half day)"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Channel(models.TextChoices):
    PHONE = "telefon", _("Telephone")
    EMAIL = "eposta", _("E-mail")
    WEB = "web", _("Web form")
    CIMER = "cimer", _("CİMER")
    MUHTARLIK = "muhtarlik", _("Neighbourhood head (muhtarlık)")
    EBELEDIYE = "ebelediye", _("e-Belediye")
    IN_PERSON = "yuzyuze", _("In person")


class Status(models.TextChoices):
    NEW = "yeni", _("New")
    ASSIGNED = "atandi", pgettext_lazy("ticket status", "Assigned")
    IN_PROGRESS = "islemde", _("In progress")
    WAITING = "beklemede", _("Waiting")
    RESOLVED = "cozuldu", _("Resolved")
    CLOSED = "kapatildi", _("Closed")


OPEN_STATES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING)


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="tickets")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="tickets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_tickets")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    # Requester: a member of staff, or a citizen (only what the workflow needs – KVKK).
    requester_staff = models.ForeignKey("assets.Staff", verbose_name=_("requesting staff"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="tickets")
    requester_name = models.CharField(_("requester name"), max_length=150, blank=True)
    requester_phone = models.CharField(_("requester telephone"), max_length=20, blank=True)
    requester_email = models.EmailField(_("requester e-mail"), blank=True)
    consent_note = models.CharField(_("consent note (KVKK)"), max_length=250, blank=True)
    # Where: a point, and/or a linked asset or building.
    location = models.PointField(_("location"), srid=settings.CBS_SRID, null=True, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    camera = models.ForeignKey("assets.Camera", verbose_name=_("camera"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tickets")
    device = models.ForeignKey("assets.NetworkDevice", verbose_name=_("network device"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tickets")
    site = models.ForeignKey("assets.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="tickets")
    item = models.ForeignKey("assets.InventoryItem", verbose_name=_("inventory item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="tickets")
    # SLA clock (due times move forward by the working time spent waiting on the requester).
    created_at = models.DateTimeField(_("opened at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("working seconds spent waiting"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    related = models.ManyToManyField("self", verbose_name=_("related tickets"), blank=True, symmetrical=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # CİMER/BİMER: the legal answer deadline runs in calendar days from the application and is
    # never paused (see cimer.py); kept apart from the working-time SLA above.
    cimer_number = models.CharField(_("CİMER/BİMER application number"), max_length=30, blank=True)
    cimer_applied_on = models.DateField(_("CİMER/BİMER application date"), null=True, blank=True)
    legal_due = models.DateTimeField(_("legal answer deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "resolution_due"], name="tickets_status_due"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status"),
            models.Index(fields=["team", "status"], name="tickets_team_status"),
            models.Index(fields=["category", "created_at"], name="tickets_category_created"),
            models.Index(fields=["created_at"], name="tickets_created"),
            models.Index(fields=["legal_due"], name="tickets_legal_due", condition=Q(legal_due__isnull=False)),
            # The queue's default view (open tickets, newest first) and its count read only the few
            # open tickets; "Taleplerim" reads one member of staff's (or one unit's) tickets, newest first.
            models.Index(fields=["created_at"], name="tickets_open_created",
                         condition=Q(status__in=[s.value for s in OPEN_STATES])),
            models.Index(fields=["requester_staff", "created_at"], name="tickets_requester_created",
                         condition=Q(requester_staff__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EventKind(models.TextChoices):
    REPLY = "yanit", _("Reply to the requester")
    NOTE = "not", _("Internal note")
    WORK = "is", _("Work log")
    TRANSITION = "durum", _("Status change")
    ASSIGNMENT = "atama", _("Assignment")
    INCOMING = "gelen", _("Reply from the requester")
    FROM_REQUESTER = "talep", _("Message from the requester")  # self-service: the requester's own words


class EventReason(models.TextChoices):
    """Lines the system writes on a status change, kept as a code (and `detail`: the channel
    code or a ticket number) and put into words in the reader's language (TicketEvent.system_text)."""
    OPENED = "acildi", _("Opened via %(channel)s.")
    MERGED = "birlesti", _("Merged into %(number)s.")
    MERGED_HERE = "eklendi", _("%(number)s was merged into this ticket.")  # a note on the ticket kept
    MAIL_ANSWER = "eposta", _("The requester answered by e-mail.")
    REQUESTER_ANSWER = "yanit", _("The requester answered.")
    CONFIRMED = "onay", _("The requester confirmed the fix.")


class TicketEvent(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=6, choices=EventKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.CharField(_("reason"), max_length=10, blank=True, choices=EventReason.choices)
    detail = models.CharField(_("detail"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]

    @property
    def system_text(self) -> str:
        """The system's line of the event in the active (the reader's) language; "" for none."""
        if self.reason not in EventReason.values:
            return ""
        channel = Channel(self.detail).label if self.detail in Channel.values else self.detail
        return str(EventReason(self.reason).label) % {"channel": channel, "number": self.detail}


def attachment_path(instance: Attachment, filename: str) -> str:
    """Server-side names only: the user's file name is kept as data, never as a path."""
    import uuid

    return f"tickets/{instance.ticket_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_filters")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter"), max_length=1000)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tickets_filter_unique_name")]


class Feedback(models.Model):
    """The requester's satisfaction (1–5) with a resolved ticket, given once."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                                  related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("given by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5),
                                              name="tickets_feedback_rating_1_5",
                                              violation_error_message=_("Choose 1 to 5."))]
# Issue 19 (e-mail intake, CİMER deadlines): kept in their own modules, registered with this app.
from .mail_models import MailboxMessage  # noqa: E402,F401
