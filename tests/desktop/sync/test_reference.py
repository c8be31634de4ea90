"""Reference data beyond the lists: delegations, data-exchange tables and 低保 standards."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.store.models import AgencyDelegation, MinimumLivingStandard, XrefBatch, XrefRecord
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter

pytestmark = pytest.mark.needs_postgres
NOW = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


def _delegation(region: str, agency: str, *, revoked: bool = False) -> AgencyDelegation:
    return AgencyDelegation(
        id=str(uuid.uuid4()),
        agency_id=agency,
        agency_name="县残疾人就业服务中心",
        entrusting_department="县人力资源和社会保障局",
        region_code=region,
        scope=["apply", "verify"],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
        reference="人社委〔2025〕1号",
        revoked=revoked,
        created_at=NOW,
        created_by="admin",
    )


def _insert_central_delegation(admin: object, row: AgencyDelegation, *, revoked: bool) -> None:
    admin.execute(  # type: ignore[attr-defined]
        "INSERT INTO agency_delegation (id, agency_id, agency_name, entrusting_department,"
        " region_code, scope, valid_from, valid_until, reference, revoked, created_at,"
        " created_by) VALUES (%s, %s, %s, %s, %s, '[\"apply\"]', %s, %s, %s, %s, %s, %s)",
        [
            row.id,
            row.agency_id,
            row.agency_name,
            row.entrusting_department,
            row.region_code,
            row.valid_from,
            row.valid_until,
            row.reference,
            revoked,
            NOW,
            "province",
        ],
    )


def test_delegations_of_the_own_county_come_down_and_local_ones_stay(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620301")
    local = _delegation("620301", "cdpf-local")
    own, elsewhere = _delegation("620301", "cdpf-620301"), _delegation("620302", "cdpf-620302")
    try:
        with counter.store.session() as session:
            session.add(local)
        with central.admin() as admin:
            _insert_central_delegation(admin, own, revoked=False)
            _insert_central_delegation(admin, elsewhere, revoked=False)
        assert "agency_delegation" in counter.sync().reference_tables
        with counter.store.session(write=False) as session:
            rows = {row.id: row.revoked for row in session.scalars(select(AgencyDelegation))}
        assert rows == {local.id: False, own.id: False}  # not the other county's
        with central.admin() as admin:
            admin.execute("UPDATE agency_delegation SET revoked = true WHERE id = %s", [own.id])
        assert counter.sync().reference_tables == ("agency_delegation",)
        with counter.store.session(write=False) as session:
            revoked = session.get(AgencyDelegation, own.id)
            assert revoked is not None and revoked.revoked is True
    finally:
        counter.close()


def test_exchange_tables_are_replaced_source_by_source(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620303")
    local_batch, old_batch, central_batch = (str(uuid.uuid4()) for _ in range(3))
    try:
        with counter.store.session() as session:
            for batch_id, source in ((local_batch, "local_only"), (old_batch, "social_insurance")):
                session.add(
                    XrefBatch(
                        id=batch_id,
                        source=source,
                        file_name=f"{source}.csv",
                        as_of=None,
                        row_count=1,
                        imported_at=NOW,
                        imported_by="clerk",
                    )
                )
                session.add(
                    XrefRecord(
                        source=source, id_number="620303198001010011", name="旧", batch_id=batch_id
                    )
                )
        with central.admin() as admin:
            admin.execute(
                "INSERT INTO xref_batch (id, source, file_name, as_of, row_count, imported_at,"
                " imported_by) VALUES (%s, 'social_insurance', '社保2025-06.csv', '2025-06-30',"
                " 2, now(), 'province')",
                [central_batch],
            )
            admin.execute(
                "INSERT INTO xref_record (source, id_number, name, status, detail, batch_id)"
                " VALUES ('social_insurance', '620303198001010011', '新', '参保中', '{}', %s),"
                " ('social_insurance', '620303198001010022', '另', '停保', %s, %s)",
                [central_batch, '{"单位": "某厂"}', central_batch],
            )
        assert set(counter.sync().reference_tables) == {"xref_batch", "xref_record"}
        with counter.store.session(write=False) as session:
            batches = {row.id: row.source for row in session.scalars(select(XrefBatch))}
            records = sorted(
                (row.source, row.name, row.batch_id, str(row.detail))
                for row in session.scalars(select(XrefRecord))
            )
        assert batches == {local_batch: "local_only", central_batch: "social_insurance"}
        assert records == [
            ("local_only", "旧", local_batch, "{}"),
            ("social_insurance", "另", central_batch, "{'单位': '某厂'}"),
            ("social_insurance", "新", central_batch, "{}"),
        ]
        assert counter.sync().reference_tables == ()
    finally:
        counter.close()


def test_minimum_living_standards_from_the_central_replace_the_shipped_ones(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620304")
    try:
        with counter.store.session() as session:
            session.add(
                MinimumLivingStandard(
                    region_code="620304",
                    effective_from=dt.date(2024, 1, 1),
                    urban_monthly_fen=70000,
                    rural_monthly_fen=50000,
                    source="shipped",
                )
            )
        assert "minimum_living_standard" not in counter.sync().reference_tables  # none central
        with central.admin() as admin:
            admin.execute(
                "INSERT INTO minimum_living_standard (region_code, effective_from,"
                " urban_monthly_fen, rural_monthly_fen, source)"
                " VALUES ('620304', '2025-07-01', 78500, 58000, '甘民发〔2025〕1号')"
            )
        assert counter.sync().reference_tables == ("minimum_living_standard",)
        with counter.store.session(write=False) as session:
            rows = [
                (row.effective_from, row.urban_monthly_fen, row.source)
                for row in session.scalars(select(MinimumLivingStandard))
            ]
        assert rows == [(dt.date(2025, 7, 1), 78500, "甘民发〔2025〕1号")]
    finally:
        counter.close()
