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
# Modules on the case loop that nothing else builds on: no other module imports them.
EDGE = ("open311", "deliberation", "mediation")
# Interop: outbound webhooks (on the loop's and devices' extension points) and the 12345 hotline (orders in
# through intake, status out through webhooks); only the screen reads the hotline (its 三率).
INTEROP = ("webhooks", "hotline")
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
    *INTEROP,
    *EDGE,
)


def _and_the_edge(app: str, *above: str) -> tuple[str, ...]:
    return (*above, *(top for top in (*INTEROP, *EDGE) if top != app))


FORBIDDEN = {
    **{app: HIGHER for app in LOWER},
    "party": _and_the_edge(
        "party", "rollups", "assessment", "dashboard", "inbox", "devices", "services", "patrols", "notices"
    ),
    "rollups": _and_the_edge(
        "rollups", "assessment", "dashboard", "inbox", "devices", "services", "patrols", "notices"
    ),
    # Assessment reads party's and patrols' counters (their indicators); they import nothing of it.
    "assessment": _and_the_edge("assessment", "dashboard", "devices", "services", "notices"),
    "inbox": _and_the_edge("inbox", "devices", "services", "patrols", "notices"),
    # Devices stand on the case loop, the ledger and the inbox (an alarm's notice to the grid workers).
    "devices": _and_the_edge(
        "devices", "rollups", "assessment", "dashboard", "party", "services", "patrols", "notices"
    ),
    # Services to residents stand on party, inbox, the ledger and patrols (a wish offered on a visit's page);
    # only the screen is above them.
    "services": _and_the_edge("services", "dashboard", "devices", "notices"),
    # Patrols and visits stand on the case loop and the ledger, below assessment and services.
    "patrols": _and_the_edge(
        "patrols", "rollups", "assessment", "dashboard", "inbox", "party", "devices", "services", "notices"
    ),
    # Notices stand on regions, accounts and people (who is a resident of a grid) and the inbox (readers told).
    "notices": _and_the_edge(
        "notices", "rollups", "assessment", "dashboard", "party", "devices", "services", "patrols"
    ),
    # Open311 stands on the case loop, regions, accounts and the ledger (a building's address), nothing above.
    "open311": _and_the_edge(
        "open311", "rollups", "assessment", "dashboard", "inbox", "party", "devices", "services", "patrols", "notices"
    ),
    # Deliberation stands on the case loop (topics from cases, decisions as cases), the ledger and the inbox.
    "deliberation": _and_the_edge(
        "deliberation", "rollups", "assessment", "dashboard", "party", "devices", "services", "patrols", "notices"
    ),
    "webhooks": _and_the_edge(
        "webhooks", "rollups", "assessment", "dashboard", "party", "services", "patrols", "notices"
    ),
    "hotline": tuple(
        app
        for app in _and_the_edge(
            "hotline", "rollups", "assessment", "dashboard", "party", "services", "patrols", "notices"
        )
        if app != "webhooks"
    ),
    # Mediation stands on the case loop (a 矛盾纠纷 case becomes a dispute), the ledger and the inbox.
    "mediation": _and_the_edge(
        "mediation", "rollups", "assessment", "dashboard", "party", "devices", "services", "patrols", "notices"
    ),
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
