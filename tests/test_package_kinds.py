"""Each package kind's facts live in dossier/format.PACKAGE_KINDS; the rest of the program reads them."""

from __future__ import annotations

import pytest

from cff_desktop.common.errors import BadInput
from cff_desktop.dossier.format import COMMUNE_KINDS, KIND_LABELS, KINDS, PACKAGE_KINDS, SIGNER_CHECKED_LATER
from cff_desktop.dossier.schemas import MEMBER_SCHEMAS
from cff_desktop.services.packages import import_


def test_every_kind_is_described_and_imported() -> None:
    assert KINDS == ("dossier", "sector-data", "receipt", "ruleset")
    assert set(KIND_LABELS) == set(KINDS) and all(KIND_LABELS.values())
    assert set(import_._IMPORTERS) == set(KINDS)
    for kind in PACKAGE_KINDS.values():
        for member in kind.members:  # every JSON member a reader takes is schema-checked on read
            assert member in MEMBER_SCHEMAS, (kind.key, member)
    assert COMMUNE_KINDS == ("dossier", "sector-data")
    assert SIGNER_CHECKED_LATER == ("sector-data",)


def test_export_refuses_a_kind_a_commune_does_not_send(demo_ws, tmp_path) -> None:
    """The refusal lists the kinds a commune exports, read off the registry; nothing is written."""
    from cff_desktop.services.packages.export import export_package

    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(BadInput) as e:
        export_package(demo_ws, usb, kind="receipt")
    assert "dossier | sector-data" in e.value.message
    assert list(usb.iterdir()) == []
