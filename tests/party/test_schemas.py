"""The OpenAPI document names each schema once: ninja keys components by class name, so a party schema
named like another app's (``OrganisationOut`` of the ledger) would make one of them describe the other."""

from ninja import Schema

import wangge.api  # noqa: F401 — every router and its schemas loaded
from wangge.party import schemas


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_party_schema_shares_its_name_with_another_module_s():
    party = {c.__name__ for c in _subclasses(Schema) if c.__module__ == schemas.__name__}
    others = {c.__name__ for c in _subclasses(Schema) if c.__module__ != schemas.__name__}
    assert party and party.isdisjoint(others), sorted(party & others)
