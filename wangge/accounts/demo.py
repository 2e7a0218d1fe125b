"""Demo departments and accounts. Only the demo command calls this: no account exists by default."""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from wangge.accounts.models import Department, DepartmentKind, Membership, Role, User
from wangge.core import pii
from wangge.regions.models import GRID_LEVELS, Level, Region

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (documented demo password, created only by `wangge demo`)

DEPARTMENTS = [
    ("CG", "区城市管理局", DepartmentKind.CITY_MANAGEMENT),
    ("SJ", "区市场监督管理局", DepartmentKind.MARKET_REGULATION),
    ("ZJ", "区住房和城乡建设局", DepartmentKind.HOUSING),
    ("GA", "公安分局", DepartmentKind.POLICE),
    ("HB", "生态环境分局", DepartmentKind.ENVIRONMENT),
    ("XF", "区消防救援大队", DepartmentKind.FIRE),
    ("SW", "区水务局", DepartmentKind.WATER),
    ("MZ", "区民政局", DepartmentKind.CIVIL_AFFAIRS),
    ("JT", "区交通运输局", DepartmentKind.TRANSPORT),
    ("WJ", "区卫生健康委员会", DepartmentKind.HEALTH),
    ("YJ", "区应急管理局", DepartmentKind.EMERGENCY),
    ("GD", "供电所", DepartmentKind.UTILITIES),
]


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "151", "158", "177", "186", "188", "199"]) + f"{rng.randrange(10**8):08d}"


def _user(username: str, name: str, phone: str, password_hash: str, **extra) -> User:
    return User(
        username=username,
        display_name=name,
        password=password_hash,
        phone_encrypted=pii.encrypt(phone),
        phone_index=pii.blind_index(phone, kind="phone"),
        phone_masked=pii.mask_phone(phone),
        **extra,
    )


@transaction.atomic
def create_departments(district: Region) -> list[Department]:
    departments = Department.objects.bulk_create(
        [
            Department(code=f"{district.code[:6]}-{code}", name=name, kind=kind, region=district)
            for code, name, kind in DEPARTMENTS
        ]
    )
    for department in departments:
        department.jurisdictions.add(district)
    return departments


def _unnamed_staff(regions, named_street, named_community, departments) -> list[tuple]:
    """Command centres of the other streets, staff of the other communities, one officer per department:
    real people behind the demo's cases, without passwords (an administrator sets them)."""
    staff = []
    for street in sorted((r for r in regions.values() if r.level == Level.STREET), key=lambda r: r.code):
        if street.pk == named_street.pk:
            continue
        for role, title in (
            (Role.COMMAND_OPERATOR, "指挥中心受理员"),
            (Role.DISPATCHER, "指挥中心派遣员"),
            (Role.DUTY_CHIEF, "指挥中心值班长"),
        ):
            staff.append((f"{role}{street.code}", role, street, None, title))
    for community in sorted((r for r in regions.values() if r.level == Level.COMMUNITY), key=lambda r: r.code):
        if community.pk != named_community.pk:
            staff.append((f"cs{community.code}", Role.COMMUNITY_STAFF, community, None, "社区工作人员"))
    district = next(r for r in regions.values() if r.level == Level.DISTRICT)
    for department in departments:
        if department.kind != DepartmentKind.CITY_MANAGEMENT:
            staff.append((f"dept{department.code}", Role.DEPARTMENT_STAFF, district, department, "部门联络员"))
    return staff


@transaction.atomic
def create_accounts(regions: dict[str, Region], departments: list[Department], seed: int = 2026) -> list[dict]:
    """The named demo accounts (password ``demo-pass-2026``) plus one unnamed grid worker per grid."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    usable = make_password(DEMO_PASSWORD)
    unusable = make_password(None)

    district = next(r for r in regions.values() if r.level == Level.DISTRICT)
    streets = sorted((r for r in regions.values() if r.level == Level.STREET), key=lambda r: r.code)
    street = streets[0]
    community = min(
        (r for r in regions.values() if r.level == Level.COMMUNITY and r.parent_id == street.id), key=lambda r: r.code
    )
    grids = sorted(
        (r for r in regions.values() if r.level == Level.GRID and r.parent_id == community.id), key=lambda r: r.code
    )
    micro = min(
        (r for r in regions.values() if r.level == Level.MICRO_GRID and r.parent_id == grids[0].id),
        key=lambda r: r.code,
    )
    city_management = next(d for d in departments if d.kind == DepartmentKind.CITY_MANAGEMENT)

    named = [  # username, role, region, department, title
        ("admin", Role.ADMIN, district, None, "系统管理员"),
        ("leader", Role.STREET_LEADER, street, None, "街道分管领导"),
        ("dutychief", Role.DUTY_CHIEF, street, None, "指挥中心值班长"),
        ("dispatcher", Role.DISPATCHER, street, None, "指挥中心派遣员"),
        ("operator", Role.COMMAND_OPERATOR, street, None, "指挥中心受理员"),
        ("community1", Role.COMMUNITY_STAFF, community, None, "社区书记"),
        ("gridchief1", Role.GRID_CHIEF, community, None, "网格长"),
        ("gridworker1", Role.GRID_WORKER, grids[0], None, "专职网格员"),
        ("gridworker2", Role.GRID_WORKER, grids[1], None, "专职网格员"),
        ("liaison1", Role.MICRO_GRID_LIAISON, micro, None, "微网格联络员"),
        ("department1", Role.DEPARTMENT_STAFF, district, city_management, "城管执法队员"),
        ("resident1", Role.RESIDENT, grids[0], None, ""),
    ]
    users = []
    for username, *_ in named:
        users.append(
            _user(
                username,
                fake.name(),
                _mobile(rng),
                usable,
                is_superuser=username == "admin",
                is_staff=username == "admin",
            )
        )
    worker_grids = [r for r in regions.values() if r.level in GRID_LEVELS and r.id not in (grids[0].id, grids[1].id)]
    worker_grids.sort(key=lambda r: r.code)
    for grid in worker_grids:
        users.append(_user(f"gw{grid.code}", fake.name(), _mobile(rng), unusable))
    staff = _unnamed_staff(regions, street, community, departments)
    for username, *_rest in staff:
        users.append(_user(username, fake.name(), _mobile(rng), unusable))
    User.objects.bulk_create(users, batch_size=1000)
    by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}

    memberships = [
        Membership(user=by_name[username], role=role, region=region, department=department, title=title)
        for username, role, region, department, title in named
    ]
    memberships += [
        Membership(user=by_name[f"gw{grid.code}"], role=Role.GRID_WORKER, region=grid, title="专职网格员")
        for grid in worker_grids
    ]
    memberships += [
        Membership(user=by_name[username], role=role, region=region, department=department, title=title)
        for username, role, region, department, title in staff
    ]
    Membership.objects.bulk_create(memberships, batch_size=1000)
    return [
        {
            "username": username,
            "role": str(role.label),
            "region": region.name,
            "department": department.name if department else "",
        }
        for username, role, region, department, _title in named
    ]
