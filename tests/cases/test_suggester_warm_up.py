"""A server worker prepares the category suggester when it starts (loads the stored model, or trains the
shipped one), not inside the first request that asks."""

import importlib
import sys

from wangge.cases import suggester


def test_the_suggester_warm_up_prepares_the_served_model(monkeypatch):
    asked = []
    monkeypatch.setattr(suggester, "current_model", lambda: asked.append(1))
    thread = suggester.warm_in_background()
    assert thread.daemon
    thread.join(timeout=10)
    assert asked == [1]


def test_the_wsgi_application_starts_the_warm_up(monkeypatch):
    started = []
    monkeypatch.setattr(suggester, "warm_in_background", lambda: started.append(1))
    monkeypatch.delitem(sys.modules, "wangge.wsgi", raising=False)
    wsgi = importlib.import_module("wangge.wsgi")
    assert started == [1]
    assert callable(wsgi.application)
