"""One module per benchmark. Each exposes ``NAME`` (for ``--only``) and ``run(ctx) -> list[bench.measure.Row]``;
``ctx`` holds ``repeat`` and the parsed ``args``. Modules are discovered, nothing to register."""
