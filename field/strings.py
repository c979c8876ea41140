"""The field app's interface texts for its scripts, translated on the server and cached with the
page (so the app speaks the user's language offline too)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def ui_strings() -> dict[str, str]:
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "offlineNow": _("No connection: your changes are kept on the device."),
        "backOnline": _("Back online: %(n)s changes waiting. Press Sync."),
        "areaNone": _("No area is stored on this device yet."),
        "areaCurrent": _("Stored: %(name)s (%(date)s)"),
        "areaSize": _("About %(km2)s km²"),
        "areaTooBig": _("%(km2)s km² is too large; choose at most %(max)s km²."),
        "drawnArea": _("Drawn area"),
        "drawHint": _("Drag a rectangle over the area you will work in."),
        "noArea": _("Choose a neighbourhood or draw a rectangle first."),
        "preparing": _("Storing the area on the device…"),
        "prepared": _("Ready offline: %(tiles)s map tiles, %(features)s features, %(mb)s MB on the device, "
                      "%(s)s s."),
        "prepareFailed": _("The area could not be stored: %(error)s"),
        "prepareOffline": _("Storing an area needs a connection."),
        "syncFirst": _("Send the waiting changes first (Sync); then store a new area."),
        "notPrepared": _("Store a work area first (Area)."),
        "noPointLayer": _("None of the layers you collect takes points; choose one under Area."),
        "notEditable": _("You may not edit this layer."),
        "configMissing": _("Open this page once with a connection to set it up."),
        "otherUser": _("This device holds %(n)s changes of %(user)s that were not sent. They must be sent "
                       "from %(user)s's own login (Field → Sync) before anyone else can use the app here."),
        "gpsWaiting": _("Waiting for the GPS position…"),
        "gpsFailed": _("No GPS position; allow location access or tap on the map."),
        "gpsAccuracy": _("GPS ±%(m)s m"),
        "tapHint": _("Tap the map where the point is."),
        "newPoint": _("New: %(layer)s"),
        "editFeature": _("%(layer)s #%(id)s"),
        "newFeature": pgettext("field feature", "new"),
        "required": _("%(field)s is required."),
        "nothingChanged": _("Nothing was changed."),
        "savedQueued": _("Saved on the device; it will be sent when you sync."),
        "savedOnline": _("Saved on the device. Press Sync to send it."),
        "photo": _("Photo"),
        "photoCount": _("%(n)s photos"),
        "photosWaiting": _("%(n)s photos waiting to be sent."),
        "queueEmpty": _("Nothing is waiting: everything was sent."),
        "statusPending": _("waiting"),
        "statusConflict": _("changed on the server"),
        "statusError": _("refused"),
        "resolve": _("Resolve"),
        "discard": _("Discard my change"),
        "discardConfirm": _("Discard this change? It will not be sent."),
        "syncOffline": _("No connection: nothing was sent; your changes are kept."),
        "syncLogin": _("Your session has ended: log in again, then sync (nothing is lost)."),
        "syncResult": _("Sent: %(sent)s changes, %(photos)s photos. Conflicts: %(conflicts)s. Refused: %(errors)s."),
        "conflictWhat": _("%(layer)s #%(id)s was changed on the server (now version %(v)s; you edited "
                          "version %(base)s). Choose per field:"),
        "conflictDeleted": _("%(layer)s #%(id)s was deleted on the server; your change cannot be applied."),
        "takeTheirs": _("Take theirs"),
        "resolvedSent": _("Resolved: one new version was saved."),
        "resolvedTheirs": _("Resolved: the server's version is kept."),
        "resolveFirst": _("This feature has a conflict; resolve it under To send."),
        "noOffline": _("This browser cannot work offline here (service worker refused)."),
        "yes": _("yes"),
        "no": _("no"),
    }
