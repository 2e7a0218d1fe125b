from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.open311 import services
from wangge.open311.models import ClientApp


class Command(BaseCommand):
    help = "Open311 client applications: create one (its API key is printed once), revoke one, list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client application and print its key.")
        create.add_argument("name")
        create.add_argument("--contact", default="")
        create.add_argument("--per-minute", type=int, default=None, help="Requests per minute (default 120).")
        revoke = sub.add_parser("revoke", help="Revoke the key of a client application (by id or key prefix).")
        revoke.add_argument("client")
        sub.add_parser("list", help="List the client applications.")

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                key, client = services.create_client(
                    actor=None,
                    name=options["name"],
                    contact=options["contact"],
                    requests_per_minute=options["per_minute"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            self.stdout.write(
                _("Open311 client %(name)s (id %(id)d), API key: %(key)s")
                % {"name": client.name, "id": client.pk, "key": key}
            )
        elif action == "revoke":
            ident = options["client"]
            client = (
                ClientApp.objects.filter(pk=int(ident)).first()
                if ident.isdigit()
                else ClientApp.objects.filter(prefix=ident[:10]).first()
            )
            if client is None:
                raise CommandError(_("No Open311 client %(client)s.") % {"client": ident})
            if services.revoke_client(actor=None, client=client):
                self.stdout.write(_("Revoked the key of %(name)s.") % {"name": client.name})
            else:
                self.stdout.write(_("The key of %(name)s was revoked already.") % {"name": client.name})
        else:
            for client in ClientApp.objects.all():
                state = _("revoked") if client.revoked_at else _("active")
                self.stdout.write(f"{client.pk:>4}  {client.prefix}…  {state:<8}  {client.name}")
