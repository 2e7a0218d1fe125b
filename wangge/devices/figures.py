"""Devices on a region's card and home summary (a ``regions.figures`` provider, registered in
``DevicesConfig.ready()``): how many of the devices in reach under the region are online, offline and
alarming, counted now; nothing where there is none."""

from django.utils.translation import gettext_lazy as _

from wangge.devices import selectors
from wangge.regions.figures import Figure


def device_figures(user, region) -> list[Figure]:
    counts = selectors.state_counts_under(user, region.path)
    if not any(counts.values()):
        return []
    note = _("Devices registered under the region, by their state now")
    return [
        Figure("devices-online", _("Devices online"), counts["online"], note),
        Figure("devices-offline", _("Devices offline"), counts["offline"], note),
        Figure("devices-alarming", _("Devices alarming"), counts["alarming"], note),
    ]
