from tests.search.fixtures import _fast_passwords, make_pub  # noqa: F401
