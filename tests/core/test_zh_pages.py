"""No English in the Chinese interface, whatever name a string was marked with.

Two checks, because a string can escape the catalogue in two ways:
- every alias under which a module imports a translation function is one that message extraction knows
  (``gettext_lazy as _lazy`` once kept eleven home-page strings out of the catalogue);
- every page each demo role reaches from its home page, rendered in zh-hans, shows no run of English
  words in its text or in the attributes people read (placeholder, title, aria-label, alt).
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings

from tests.dashboard.helpers import PERSONAS

SOURCE = Path(settings.BASE_DIR) / "wangge"

# What Django's makemessages passes to xgettext, plus xgettext's own Python keywords.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "ngettext",
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy",
    "pgettext",
    "npgettext",
    "pgettext_lazy",
    "npgettext_lazy",
}
TRANSLATION_MODULES = {"django.utils.translation"}


def _aliases_unknown_to_extraction(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module in TRANSLATION_MODULES:
            for name in node.names:
                bound = name.asname or name.name
                if name.name in EXTRACTED_NAMES and bound not in EXTRACTED_NAMES:
                    problems.append(f"{path.relative_to(SOURCE.parent)}:{node.lineno}: {name.name} as {bound}")
    return problems


def _python_sources():
    """The modules, without the ``*.html.py`` copies of templates that makemessages writes beside them for
    a moment (another run of the suite may be extracting messages right now)."""
    for path in sorted(SOURCE.rglob("*.py")):
        if len(path.suffixes) < 2 and path.exists():
            yield path


def test_translation_functions_are_imported_only_under_names_extraction_knows():
    problems = [p for path in _python_sources() for p in _aliases_unknown_to_extraction(path)]
    assert not problems, (
        "strings marked with these names never reach the catalogue (makemessages does not know them):\n"
        + "\n".join(problems)
    )


ROLES = PERSONAS  # every demo account

# Pages that are not the interface (files, the Django admin, the API, sign-out) or that change state.
SKIPPED = re.compile(r"^/(admin|api|static|media|i18n|accounts/logout)(/|$)|export|download|\.xlsx$|\.json$")
PAGES_PER_ROLE = 60
# Three or more English words in a row: a sentence or a label left untranslated.
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,:;'’-]+[A-Za-z][a-z']+){2,}\b")
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class _ShownText(HTMLParser):
    """The text a reader sees (and hears from a screen reader), and the page's links."""

    HIDDEN = {"script", "style", "template", "code", "pre", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _page_kind(path: str) -> str:
    """One visit per kind of page: /cases/17/ and /cases/18/ are the same page."""
    return re.sub(r"\d+", "N", path)


def _crawl(client) -> dict[str, list[str]]:
    """English runs per page, over the pages reachable from the home page (breadth first)."""
    found: dict[str, list[str]] = {}
    queue, seen = ["/"], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        kind = _page_kind(urlparse(url).path)
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _ShownText()
        parser.feed(response.content.decode())
        runs = [m for text in parser.texts for m in ENGLISH_RUN.findall(text)]
        if runs:
            found[url] = sorted(set(runs))
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlparse(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_speaks_chinese(browser_client, role):
    found = _crawl(browser_client(role, language="zh-hans"))
    assert not found, f"English shown to {role} under zh-hans:\n" + "\n".join(
        f"{url}: {runs}" for url, runs in found.items()
    )
