"""Dependencies point one way: a lower module never imports a higher one (docs/architecture.md, "Layers").

Every import of every module under ``wangge/`` is read with ``ast`` — those inside functions too, so a
late import does not hide an upward dependency. A lower module offers an extension point instead
(``cases.events``, ``rollups.also_rebuild``) that the higher one registers with in ``AppConfig.ready()``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "wangge"

# The loop and what it stands on, the roll-up store above it, assessment above the store, the screen
# and the inbox on top. A module may import its own layer and the layers below.
LOWER = ("core", "regions", "accounts", "people", "cases", "workcalendar")
HIGHER = (
    "rollups",
    "assessment",
    "dashboard",
    "inbox",
    "party",
    "devices",
    "services",
    "patrols",
    "notices",
    "webhooks",
    "hotline",
)
FORBIDDEN = {
    **{app: HIGHER for app in LOWER},
    "party": (
        "rollups",
        "assessment",
        "dashboard",
        "inbox",
        "devices",
        "services",
        "patrols",
        "notices",
        "webhooks",
        "hotline",
    ),
    "rollups": ("assessment", "dashboard", "inbox", "devices", "services", "patrols", "notices", "webhooks", "hotline"),
    "assessment": ("dashboard", "devices", "services", "patrols", "notices", "webhooks", "hotline"),
    "inbox": ("devices", "services", "patrols", "notices", "webhooks", "hotline"),
    # Devices stand on the case loop, the ledger and the inbox (an alarm's notice to the grid workers).
    "devices": ("rollups", "assessment", "dashboard", "party", "services", "patrols", "notices", "webhooks", "hotline"),
    # Services to residents stand on party, inbox and the ledger; only the screen is above them.
    "services": ("dashboard", "devices", "patrols", "notices", "webhooks", "hotline"),
    # Patrols and visits stand on the case loop and the ledger, beside party, devices and services.
    "patrols": (
        "rollups",
        "assessment",
        "dashboard",
        "inbox",
        "party",
        "devices",
        "services",
        "notices",
        "webhooks",
        "hotline",
    ),
    # Notices stand on regions, accounts and people (who is a resident of a grid).
    "notices": ("rollups", "assessment", "dashboard", "party", "devices", "services", "patrols", "webhooks", "hotline"),
    # Outbound webhooks hear the case loop and device alarms through their extension points.
    "webhooks": ("rollups", "assessment", "dashboard", "party", "services", "patrols", "notices", "hotline"),
    # The 12345 hotline takes orders in through case intake and sends status back through webhooks; the
    # screen shows its 三率 (dashboard imports hotline, never the other way).
    "hotline": ("rollups", "assessment", "dashboard", "party", "services", "patrols", "notices"),
}


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module ``path`` imports, at any depth of its code (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wangge" else None


def upward_imports(app: str) -> list[str]:
    forbidden = FORBIDDEN[app]
    out = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if len(path.suffixes) > 1:  # a template's ``*.html.py`` extraction copy, not a module
            continue
        for module in sorted(imported_modules(path)):
            if app_of(module) in forbidden:
                out.append(f"{path.relative_to(ROOT)} imports {module}")
    return out


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_module_imports_a_higher_layer(app):
    assert (PACKAGE / app).is_dir(), f"wangge/{app} is gone: update the layers here and in docs/architecture.md"
    assert upward_imports(app) == []


def test_every_app_has_its_place_in_the_layers():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    placed = set(LOWER) | set(HIGHER)
    assert apps <= placed, f"place {sorted(apps - placed)} in the layers (tests/core/test_layering.py)"


def test_the_check_sees_imports_inside_functions(tmp_path):
    package = tmp_path / "wangge" / "cases"
    package.mkdir(parents=True)
    module = package / "late.py"
    module.write_text(
        "def f():\n"
        "    from wangge.dashboard import screen\n"
        "    import wangge.assessment.points\n"
        "    from ..rollups import rollups\n"
    )
    found = {app_of(m) for m in imported_modules(module, root=tmp_path)}
    assert {"dashboard", "assessment", "rollups"} <= found
