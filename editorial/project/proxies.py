"""The client's address as the deployment knows it, for django-axes' login throttling.

Without trusted proxies (``TRUSTED_PROXIES`` unset) the client is ``REMOTE_ADDR`` and
``X-Forwarded-For`` is ignored: anyone can write that header. Behind reverse proxies,
``TRUSTED_PROXIES`` names their addresses or networks; a request that came from one
is followed back through ``X-Forwarded-For`` from the right (each proxy appends the
address it was reached from), past every trusted hop, to the first address that is
not one: what a client wrote further left is never believed.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(text: str) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` (comma-separated addresses or networks) parsed; a value
    that is neither is refused, named."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {item!r} is not an address or network") from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address a login attempt is counted against (``AXES_CLIENT_IP_CALLABLE``)."""
    trusted = settings.ARCHIVE_TRUSTED_PROXIES
    nearest = _address(request.META.get("REMOTE_ADDR", ""))
    if nearest is None:
        return None

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while is_trusted(nearest) and forwarded:
        hop = _address(forwarded.pop())
        if hop is None:
            break       # a hop a proxy did not write: the nearest known one stands
        nearest = hop
    return str(nearest)
