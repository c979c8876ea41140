"""The client's address comes from the configured number of trusted proxies, never from a
client's own X-Forwarded-For: access log, partner IP allow-lists and the login lockout."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cbs.audit.middleware import client_ip
from cbs.audit.models import AccessRecord
from cbs.partners.tokens import token_create

CLIENT = "198.51.100.7"   # the real caller (what our outermost proxy saw)
PROXY = "172.18.0.5"      # nginx, the app's peer behind it
FORGED = "10.2.3.4"       # what the caller writes into X-Forwarded-For itself


def last_access() -> AccessRecord:
    return AccessRecord.objects.order_by("-time", "-seq").first()


def request(remote_addr: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


class ClientIpTests:
    def test_no_proxy_ignores_x_forwarded_for(self, settings):
        """CBS_TRUSTED_PROXY_COUNT = 0: the connecting address, whatever the header says."""
        settings.CBS_TRUSTED_PROXY_COUNT = 0
        assert client_ip(request(CLIENT, FORGED)) == CLIENT
        assert client_ip(request(CLIENT, f"{FORGED}, 8.8.8.8")) == CLIENT
        assert client_ip(request(CLIENT)) == CLIENT

    def test_one_proxy_takes_the_address_it_saw(self, settings):
        """With nginx in front the address is the one nginx wrote: with `$remote_addr` the header
        is exactly that, and even an appending proxy leaves the forged entries to the left."""
        settings.CBS_TRUSTED_PROXY_COUNT = 1
        assert client_ip(request(PROXY, CLIENT)) == CLIENT
        assert client_ip(request(PROXY, f"{FORGED}, {CLIENT}")) == CLIENT
        assert client_ip(request(PROXY, f"{FORGED}, 8.8.8.8, {CLIENT}")) == CLIENT
        assert client_ip(request(PROXY, f"garbage, {CLIENT}")) == CLIENT

    def test_two_proxies(self, settings):
        """A load balancer in front of nginx: the second address from the right."""
        settings.CBS_TRUSTED_PROXY_COUNT = 2
        assert client_ip(request(PROXY, f"{FORGED}, {CLIENT}, 192.0.2.50")) == CLIENT

    def test_fewer_hops_than_proxies_gives_the_peer(self, settings):
        """A request that did not come through the proxy (a health check inside the network)
        gets its peer address, not a guess from the header."""
        settings.CBS_TRUSTED_PROXY_COUNT = 2
        assert client_ip(request(PROXY, CLIENT)) == PROXY
        settings.CBS_TRUSTED_PROXY_COUNT = 1
        assert client_ip(request(PROXY)) == PROXY

    def test_no_proxy_ignores_x_forwarded_proto(self, settings):
        """Without a proxy (the test settings) a client cannot claim HTTPS either."""
        assert settings.CBS_TRUSTED_PROXY_COUNT == 0 and settings.SECURE_PROXY_SSL_HEADER is None
        forged = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
        assert not forged.is_secure()


@pytest.mark.parametrize("proxies", [0, 1])
class ForgedHeaderTests:
    """A caller's X-Forwarded-For changes nothing the access log or an allow-list sees."""

    @staticmethod
    def call(client, proxies: int, path: str, **extra):
        if proxies == 0:  # the caller connects directly
            return client.get(path, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=FORGED, **extra)
        # behind nginx: it appended (or would have overwritten) the address it saw
        return client.get(path, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}", **extra)

    def test_access_log_records_the_real_address(self, client, db, settings, proxies):
        """The access log (Law 5651) keeps the caller's address, not the forged one."""
        settings.CBS_TRUSTED_PROXY_COUNT = proxies
        self.call(client, proxies, "/ogc/collections?f=json")
        assert last_access().source_ip == CLIENT

    def test_partner_allow_list_is_not_fooled(self, client, partner, db, settings, proxies):
        """A token bound to 10.0.0.0/8 is refused to a caller elsewhere who claims 10.2.3.4,
        and works for a caller really inside it."""
        settings.CBS_TRUSTED_PROXY_COUNT = proxies
        _token, value = token_create(kurum=partner.kurum, name="ip", allowed_ips=["10.0.0.0/8"],
                                     expires_at=timezone.now() + timedelta(days=1))
        assert self.call(client, proxies, "/ogc/", HTTP_X_API_KEY=value).status_code == 403
        assert last_access().source_ip == CLIENT
        if proxies == 0:
            inside = client.get("/ogc/", HTTP_X_API_KEY=value, REMOTE_ADDR=FORGED)
        else:
            inside = client.get("/ogc/", HTTP_X_API_KEY=value, REMOTE_ADDR=PROXY,
                                HTTP_X_FORWARDED_FOR=f"8.8.8.8, {FORGED}")
        assert inside.status_code == 200

    def test_lockout_counts_the_real_address(self, client, db, settings, proxies):
        """Changing X-Forwarded-For between tries does not escape the login lockout."""
        settings.CBS_TRUSTED_PROXY_COUNT = proxies
        get_user_model().objects.create_user("forger", None, "doğru-parola-123")
        for n in range(settings.AXES_FAILURE_LIMIT):
            forged = f"10.9.9.{n}"
            headers = ({"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": forged} if proxies == 0
                       else {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {CLIENT}"})
            client.post(reverse("login"), {"username": "forger", "password": "yanlış"}, **headers)
        headers = ({"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": "10.8.8.8"} if proxies == 0
                   else {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"10.8.8.8, {CLIENT}"})
        response = client.post(reverse("login"), {"username": "forger", "password": "doğru-parola-123"},
                               **headers)
        assert not response.wsgi_request.user.is_authenticated
        assert CLIENT in response.content.decode()
