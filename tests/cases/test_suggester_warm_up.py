"""A server worker trains the category suggester when it starts, not inside the first request that asks."""

import importlib
import sys

from wangge.cases import classifier


def test_warm_in_background_trains_the_shared_model_once(monkeypatch):
    calls = []
    monkeypatch.setattr(classifier, "_model", None)
    monkeypatch.setattr(classifier, "get_model", lambda: calls.append(1))
    thread = classifier.warm_in_background()
    assert thread is not None and thread.daemon
    thread.join(timeout=10)
    assert calls == [1]
    monkeypatch.setattr(classifier, "_model", object())
    assert classifier.warm_in_background() is None


def test_the_wsgi_application_starts_the_warm_up(monkeypatch):
    started = []
    monkeypatch.setattr(classifier, "warm_in_background", lambda: started.append(1))
    monkeypatch.delitem(sys.modules, "wangge.wsgi", raising=False)
    wsgi = importlib.import_module("wangge.wsgi")
    assert started == [1]
    assert callable(wsgi.application)
