from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "wangge.services"
    label = "services"
    verbose_name = _("Services to residents")

    def ready(self):
        from wangge.patrols import offers
        from wangge.services import visits

        # A visit to an elderly or disabled resident offers a 微心愿 posted for them.
        offers.register(offers.Offer(key="services.wish", offer=visits.wish_offer, order=10))
