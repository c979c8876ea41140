"""The fast lane's middleware, written out as one (cbs/fast_lane.py).

A request in the lane is a cookie-less GET or HEAD of a GIS route. For such a request most of
what the site's middleware does is fixed: no session to load, no CSRF cookie to read, the
language a function of the Accept-Language header alone, the same security headers every time.
Django's stack still pays for each middleware in full, plus two wrapper calls per layer – on a
small-bbox answer a quarter of our own Python (callgrind: 0.56 of 2.26 million instructions a
request; the locale middleware alone 0.18). Here each middleware the lane runs is one STEP,
taken in settings.MIDDLEWARE's order, doing for a lane request what that middleware does: the
common case written out (the Accept-Language answer remembered per header value), every rare
branch handed to the middleware itself – a 404 (APPEND_SLASH), a session a view touched, a CSRF
cookie a page asked for, an HTTPS redirect, a setting that makes the short form wrong
(i18n_patterns, CSRF_USE_SESSIONS, PREPEND_WWW, DISALLOWED_USER_AGENTS).

Exceptions travel as through Django's stack: an exception raised while a step enters becomes the
response (Django's response_for_exception) that the steps outside it leave with; one raised
while a step leaves, the response the steps outside it get. tests/cbs/test_fast_lane.py sends the
same requests through the site's whole stack and through this one and compares status, every
header in order and the body.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.exception import response_for_exception
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from cbs import middleware as site_middleware
from cbs import response_headers
from cbs.audit import middleware as audit_middleware

# Longer Accept-Language values are answered, not remembered (the cache's keys are the caller's).
REMEMBERED_HEADER_MAX = 200


def _unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover – the steps call no get_response
    raise AssertionError("a lane step called get_response")


class Step:
    """One middleware's work for a lane request: enter (a response ends the way in) and leave."""

    def enter(self, request: HttpRequest) -> HttpResponse | None:
        return None

    def leave(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return response

    def abandon(self, request: HttpRequest) -> None:
        """Undo what enter set up when an exception escapes the chain (the leave never ran)."""


class _Insecure:
    """A plain-HTTP request, as SecurityMiddleware.process_response reads it."""

    @staticmethod
    def is_secure() -> bool:
        return False


class Security(Step):
    def __init__(self):
        self.middleware = SecurityMiddleware(_unused)
        # The headers it adds to a plain-HTTP answer that has none of them, in its order and form:
        # read off the middleware itself, once.
        probe = HttpResponse()
        before = set(probe.headers)
        self.defaults = [(k, v) for k, v in self.middleware.process_response(_Insecure(), probe).items()
                         if k not in before]

    def enter(self, request):
        return self.middleware.process_request(request) if self.middleware.redirect else None

    def leave(self, request, response):
        if self.middleware.sts_seconds and request.is_secure():
            return self.middleware.process_response(request, response)  # HSTS, then the same headers
        for key, value in self.defaults:
            response_headers.put_default(response, key, value)
        return response


class Session(Step):
    def __init__(self):
        self.middleware = SessionMiddleware(_unused)
        self.save_every_request = settings.SESSION_SAVE_EVERY_REQUEST

    def enter(self, request):
        request.session = self.middleware.SessionStore(None)  # no cookie, no session key

    def leave(self, request, response):
        try:
            untouched = not (request.session.accessed or request.session.modified)
        except AttributeError:
            return response  # as SessionMiddleware: a view replaced request.session
        if untouched and not self.save_every_request:
            return response  # no Vary: Cookie, nothing to save
        return self.middleware.process_response(request, response)


@receiver(setting_changed)
def _forget_languages(*, setting: str, **kwargs) -> None:
    # As Django forgets its own translation caches (tests change these settings).
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _language_of.cache_clear()


@lru_cache(maxsize=256)
def _language_of(accept_language: str) -> tuple[str, str]:
    """(language to activate, request.LANGUAGE_CODE) for a request with no cookie and this
    Accept-Language header (LocaleMiddleware without i18n_patterns reads nothing else)."""
    language = translation.get_language_from_request(_HeaderOnly(accept_language))
    return language, translation.to_language(language)


class _HeaderOnly:
    """What get_language_from_request reads of a cookie-less request."""

    COOKIES: dict = {}

    def __init__(self, accept_language: str):
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept_language}


class Locale(Step):
    def __init__(self):
        self.middleware = LocaleMiddleware(_unused)
        # Without language prefixes in the URLs the language is the header's (no cookie here).
        self.plain = not any(is_language_prefix_patterns_used(settings.ROOT_URLCONF))

    def enter(self, request):
        if not self.plain or hasattr(request, "urlconf"):
            return self.middleware.process_request(request)
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        language, code = _language_of(accept) if len(accept) <= REMEMBERED_HEADER_MAX \
            else _language_of.__wrapped__(accept)
        translation.activate(language)
        request.LANGUAGE_CODE = code
        return None

    def leave(self, request, response):
        if not self.plain or hasattr(request, "urlconf"):
            return self.middleware.process_response(request, response)
        language = translation.get_language()
        # Vary from the view's own (a constant of ours), the language one of the site's.
        response_headers.put(response, "Vary", _vary_with_accept_language(response.headers.get("Vary")))
        response_headers.put_default(response, "Content-Language", language)
        return response


@lru_cache(maxsize=64)
def _vary_with_accept_language(vary: str | None) -> str:
    """The Vary header patch_vary_headers(response, ("Accept-Language",)) leaves, from the one the
    view set (a few fixed values of our views', never a client's)."""
    probe = HttpResponse()
    if vary is not None:
        probe.headers["Vary"] = vary
    patch_vary_headers(probe, ("Accept-Language",))
    return probe.headers["Vary"]


class Common(Step):
    def __init__(self):
        self.middleware = CommonMiddleware(_unused)
        self.plain = not settings.DISALLOWED_USER_AGENTS and not settings.PREPEND_WWW

    def enter(self, request):
        if not self.plain:
            return self.middleware.process_request(request)
        request.get_host()  # the Host header checked against ALLOWED_HOSTS (else 400)
        return None

    def leave(self, request, response):
        if response.status_code == 404:
            return self.middleware.process_response(request, response)  # APPEND_SLASH
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response


class Csrf(Step):
    def __init__(self):
        self.middleware = CsrfViewMiddleware(_unused)
        self.plain = not settings.CSRF_USE_SESSIONS

    def enter(self, request):
        # With the token in a cookie, a request without cookies brings none to read.
        return None if self.plain else self.middleware.process_request(request)

    def leave(self, request, response):
        return self.middleware.process_response(request, response)  # sets the cookie a page asked for


class Authentication(Step):
    def __init__(self):
        self.middleware = AuthenticationMiddleware(_unused)

    def enter(self, request):
        return self.middleware.process_request(request)


class RequestContext(Step):
    def enter(self, request):
        request.cbs_context_token = audit_middleware.begin_request(request)

    def leave(self, request, response):
        try:
            return audit_middleware.finish_request(request, response)
        finally:
            self.abandon(request)

    def abandon(self, request):
        # The request's actor is not left set on the worker's thread (as the middleware's finally).
        token = request.__dict__.pop("cbs_context_token", None)
        if token is not None:
            audit_middleware.end_request(token)


class RejectNul(Step):
    def enter(self, request):
        return site_middleware.nul_refusal(request)


class XFrameOptions(Step):
    def __init__(self):
        self.middleware = XFrameOptionsMiddleware(_unused)

    def leave(self, request, response):
        if response.get("X-Frame-Options") is None and not getattr(response, "xframe_options_exempt", False):
            response_headers.put(response, "X-Frame-Options",
                                 self.middleware.get_xframe_options_value(request, response))
        return response


class ContentSecurityPolicy(Step):
    def leave(self, request, response):
        return site_middleware.with_content_security_policy(request, response)


# The site's middleware whose work the lane does, and the step that does it.
STEPS: dict[str, type[Step]] = {
    "django.middleware.security.SecurityMiddleware": Security,
    "django.contrib.sessions.middleware.SessionMiddleware": Session,
    "django.middleware.locale.LocaleMiddleware": Locale,
    "django.middleware.common.CommonMiddleware": Common,
    "django.middleware.csrf.CsrfViewMiddleware": Csrf,
    "django.contrib.auth.middleware.AuthenticationMiddleware": Authentication,
    "cbs.audit.middleware.RequestContextMiddleware": RequestContext,
    "cbs.middleware.RejectNulMiddleware": RejectNul,
    "django.middleware.clickjacking.XFrameOptionsMiddleware": XFrameOptions,
    "cbs.middleware.ContentSecurityPolicyMiddleware": ContentSecurityPolicy,
}


class LaneMiddleware:
    """The steps of the site's middleware that the lane runs, in the site's order."""

    # The site's middleware (paths) to take the steps of: set by the lane's handler while it
    # builds its chain (cbs.fast_lane.LaneHandler.load_middleware).
    site_middleware: tuple[str, ...] | list[str] = ()

    def __init__(self, get_response):
        self.get_response = get_response
        steps = tuple(STEPS[path]() for path in self.site_middleware)
        # (position, enter) and (position, leave) of the steps with something to do on that way;
        # the leaves innermost first.
        self.size = len(steps)
        self.enters = tuple((i, s.enter) for i, s in enumerate(steps) if type(s).enter is not Step.enter)
        self.leaves = tuple((i, s.leave) for i, s in reversed(tuple(enumerate(steps)))
                            if type(s).leave is not Step.leave)
        self.abandons = tuple(s.abandon for s in steps if type(s).abandon is not Step.abandon)
        csrf = next((s for s in steps if isinstance(s, Csrf)), None)
        # Of the lane's middleware only CSRF looks at the view (it marks a safe request checked).
        self.csrf_view = csrf.middleware.process_view if csrf is not None else None

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.csrf_view is not None:
            return self.csrf_view(request, view_func, view_args, view_kwargs)
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._through(request)
        except BaseException:
            # What Django's stack lets through (DEBUG_PROPAGATE_EXCEPTIONS, a failing error
            # handler, KeyboardInterrupt): the steps that set something up undo it, as the
            # middleware's own `finally` would.
            for abandon in self.abandons:
                abandon(request)
            raise

    def _through(self, request: HttpRequest) -> HttpResponse:
        entered = self.size  # the steps that leave: those before this position
        response = None
        for index, enter in self.enters:
            try:
                response = enter(request)
            except Exception as exc:  # noqa: BLE001 – as Django's wrapper around each middleware
                response = response_for_exception(request, exc)
                entered = index  # a step that failed to enter does not leave
                break
            if response is not None:
                entered = index + 1  # this step answered: it and the ones outside it leave
                break
        else:
            response = self.get_response(request)  # Django's handler: exceptions already answered
        for index, leave in self.leaves:
            if index < entered:
                try:
                    response = leave(request, response)
                except Exception as exc:  # noqa: BLE001
                    response = response_for_exception(request, exc)
        return response
