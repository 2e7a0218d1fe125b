from tests.common import _english, _plain_static_files  # noqa: F401
