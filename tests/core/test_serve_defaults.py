"""`wangge serve` defaults to the shape the bench measured best (granian WSGI, 2 workers × 8 threads) on
either database; workers and threads stay configurable by option and environment."""

from wangge.core.management.commands.serve import Command, server_argv


def _options(*argv):
    return Command().create_parser("manage.py", "serve").parse_args(list(argv))


def test_defaults_are_two_workers_of_eight_threads(monkeypatch):
    monkeypatch.delenv("WANGGE_WORKERS", raising=False)
    monkeypatch.delenv("WANGGE_THREADS", raising=False)
    options = _options()
    assert (options.workers, options.threads) == (2, 8)
    argv = server_argv("granian", host="127.0.0.1", port=8000, workers=options.workers, threads=options.threads)
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--blocking-threads") + 1] == "8"


def test_workers_and_threads_are_configurable(monkeypatch):
    monkeypatch.setenv("WANGGE_WORKERS", "4")
    monkeypatch.setenv("WANGGE_THREADS", "2")
    assert (_options().workers, _options().threads) == (4, 2)
    assert (_options("--workers", "3", "--threads", "1").workers, _options("--threads", "1").threads) == (3, 1)
