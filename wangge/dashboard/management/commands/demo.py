import sys
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.accounts import demo as accounts_demo
from wangge.assessment.services import generate_monthly
from wangge.cases.catalogue import CATALOGUE, load_catalogue
from wangge.cases.demo import create_demo_cases, create_persona_work
from wangge.deliberation.demo import create_demo_deliberation
from wangge.devices.demo import create_demo_devices
from wangge.hotline.demo import create_demo_hotline
from wangge.mediation.demo import create_demo_disputes
from wangge.notices.demo import create_demo_notices
from wangge.open311.demo import create_demo_open311
from wangge.party.demo import create_demo_party
from wangge.patrols.demo import create_demo_patrols
from wangge.people.demo import create_demo_people
from wangge.regions import demo as regions_demo
from wangge.regions.models import Level, Region
from wangge.rollups.rollups import rebuild_rollups
from wangge.services.demo import create_demo_services

# `--scale city`: about 10,000 grids, 1 million persons and 5 million cases over three years, all bulk-written.
CITY_SCALE = 34
CITY_PEOPLE = 1_000_000
CITY_CASES = 5_000_000
CITY_DAYS = 3 * 365


def scale_arg(value: str):
    return "city" if value == "city" else int(value)


def bulk_cases(count: int, *, seed: int, days: int) -> int:
    """Cases with realistic timelines through the bench's bulk writer (COPY on PostgreSQL, executemany
    on SQLite), which ships with the source tree, not with the package."""
    if str(settings.BASE_DIR) not in sys.path:
        sys.path.insert(0, str(settings.BASE_DIR))
    try:
        from bench import datagen
    except ImportError:
        raise CommandError("--scale city writes cases with bench/datagen.py: run it from a source checkout.") from None
    datagen.generate_cases(count, seed=seed, days=days, log=lambda *a: None)
    return count


class Command(BaseCommand):
    help = "Load the fictional demo town (regions, grids, departments, demo accounts) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same town.")
        parser.add_argument(
            "--scale",
            type=scale_arg,
            default=1,
            help="Multiply the number of communities and grids (34 gives about 10,000 grids); `city` is scale 34 "
            "with 1,000,000 persons and 5,000,000 cases over three years, bulk-written.",
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when regions already exist.")
        parser.add_argument(
            "--cases", type=int, default=None, help="How many demo cases to generate over two years (default 3000)."
        )
        parser.add_argument("--people", type=int, default=None, help="Persons in the ledger (default 50,000 × scale).")

    def handle(self, *args, seed, scale, if_empty, cases=None, people=None, **options):
        city = scale == "city"
        if city:
            scale = CITY_SCALE
            people = CITY_PEOPLE if people is None else people
            cases = CITY_CASES if cases is None else cases
        elif cases is None:
            cases = 3000
        phases: dict[str, float] = {}

        @contextmanager
        def phase(name: str):
            began = time.monotonic()
            yield
            phases[name] = time.monotonic() - began

        if scale < 1 or scale > 200:
            raise CommandError(_("--scale must be between 1 and 200."))
        if Region.objects.exists():
            if if_empty:
                self.stdout.write(_("The database already holds data; the demo town was not loaded again."))
                return
            raise CommandError(_("The database already holds regions. Use an empty database for the demo."))
        started = time.monotonic()
        with phase("regions"):
            tree = regions_demo.build_tree(seed=seed, scale=scale)
            regions = regions_demo.write_tree(tree, rng_seed=seed)
        with phase("accounts"):
            district = next(r for r in regions.values() if r.level == Level.DISTRICT)
            departments = accounts_demo.create_departments(district)
            accounts = accounts_demo.create_accounts(regions, departments, seed=seed)
        with phase("people"):
            persons = 50_000 * scale if people is None else people
            ledger = create_demo_people(persons=persons, seed=seed) if people != 0 else None
        party = devices = patrols = deliberation = hotline = ""
        if ledger is not None:
            with phase("party"):
                party = create_demo_party(seed=seed)
            with phase("services"):
                services_line = create_demo_services(seed=seed)  # 为民服务: points, activities, wishes
        else:
            services_line = ""
        with phase("notices"):
            notices = create_demo_notices()
        with phase("disputes"):
            disputes = create_demo_disputes()
        case_count = 0
        open311 = ""
        if CATALOGUE.exists():
            load_catalogue()
            with phase("open311"):
                open311 = create_demo_open311()  # a client key and the questions of a few services
            with phase("cases"):
                if city:
                    case_count = bulk_cases(cases, seed=seed, days=CITY_DAYS)
                else:
                    case_count = create_demo_cases(count=cases, seed=seed)
                    if case_count:
                        case_count += len(create_persona_work(seed=seed))
            if ledger is not None:
                with phase("devices"):
                    devices = create_demo_devices(seed=seed)
            with phase("hotline"):
                hotline = create_demo_hotline(orders=bool(case_count) and not city)  # the mapping table, orders
            with phase("rollups"):
                rebuild_rollups()  # the demo cases are bulk-written, not through the services
            if case_count and not city and ledger is not None:
                with phase("patrols"):
                    patrols = create_demo_patrols(seed=seed)
            if not city:
                with phase("deliberation"):
                    deliberation = create_demo_deliberation(with_case=case_count > 0)
            if case_count and not city:
                with phase("bulletins"):
                    generate_monthly()  # last month's, as the schedule would have made them on the 1st
        counts = {level: sum(1 for r in regions.values() if r.level == level) for level in Level.values}
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo town loaded in %(s).1f s: %(streets)d streets/towns, %(communities)d communities/villages, "
                    "%(grids)d grids (%(special)d special), %(micro)d micro-grids, %(departments)d departments."
                )
                % {
                    "s": time.monotonic() - started,
                    "streets": counts[Level.STREET],
                    "communities": counts[Level.COMMUNITY],
                    "grids": counts[Level.GRID] + counts[Level.SPECIAL_GRID],
                    "special": counts[Level.SPECIAL_GRID],
                    "micro": counts[Level.MICRO_GRID],
                    "departments": len(departments),
                }
            )
        )
        if ledger is not None:
            self.stdout.write(str(ledger))
        if party:
            self.stdout.write(party)
        if devices:
            self.stdout.write(devices)
        if services_line:
            self.stdout.write(services_line)
        if patrols:
            self.stdout.write(patrols)
        if notices:
            self.stdout.write(notices)
        if open311:
            self.stdout.write(open311)
        if deliberation:
            self.stdout.write(deliberation)
        if disputes:
            self.stdout.write(disputes)
        if hotline:
            self.stdout.write(hotline)
        if city:
            self.stdout.write(f"{case_count:,} cases over the last {CITY_DAYS} days (city).")
            for name, seconds in phases.items():
                self.stdout.write(f"  phase {name}: {seconds:.1f} s")
        else:
            self.stdout.write(_("%(n)d demo cases over the last two years.") % {"n": case_count})
        self.stdout.write(_("Demo accounts (password %(password)s):") % {"password": accounts_demo.DEMO_PASSWORD})
        for account in accounts:
            place = account["department"] or account["region"]
            self.stdout.write(f"  {account['username']:<12} {account['role']} · {place}")
