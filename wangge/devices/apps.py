from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "wangge.devices"
    label = "devices"
    verbose_name = _("IoT devices")

    def ready(self) -> None:
        from wangge.devices import case_links
        from wangge.devices.figures import device_figures
        from wangge.regions import figures

        case_links.subscribe()  # a sensor case that closes puts its device back online
        figures.register(device_figures)  # devices online/offline/alarming on region cards
