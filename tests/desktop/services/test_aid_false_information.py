"""The false-information mark (notice §5: 纳入人社信用体系) is a 审核's decision: the disability
agency's staff, whose delegation grants 核实, may neither mark nor withdraw."""

from __future__ import annotations

import pytest

from desktop.domain.roles import PermissionDeniedError
from desktop.services import aid
from desktop.store.db import Store
from desktop.store.models import FalseInfoMark
from tests.desktop.services.staff import REVIEWER, agency_actor, delegation
from tests.desktop.services.test_authorization import (
    application,
    applied_by,
    context,
    through,
)
from tests.desktop.services.test_followup import TODAY


def test_an_agency_may_neither_mark_nor_withdraw_false_information(seeded_store: Store) -> None:
    agency = agency_actor(delegation())
    applied = applied_by(seeded_store, agency, application(disabled=True))
    rid = applied.registration_id
    through(seeded_store, agency, rid, ("verify", "register"))
    with (
        seeded_store.session() as session,
        pytest.raises(PermissionDeniedError, match="标记虚假信息须由审核人员办理"),
    ):
        aid.mark_false_information(session, context(seeded_store, agency), rid, on=TODAY,
                                   finding="隐瞒就业", evidence="社保参保记录",
                                   today=TODAY)  # fmt: skip
    with seeded_store.session() as session:
        aid.mark_false_information(session, context(seeded_store, REVIEWER), rid, on=TODAY,
                                   finding="隐瞒就业", evidence="社保参保记录",
                                   today=TODAY)  # fmt: skip
    with (
        seeded_store.session() as session,
        pytest.raises(PermissionDeniedError, match="撤销虚假信息标记须由审核人员办理"),
    ):
        aid.withdraw_false_information(session, context(seeded_store, agency), rid, on=TODAY,
                                       reason="系误认", today=TODAY)  # fmt: skip
    with seeded_store.session(write=False) as session:
        mark = session.get(FalseInfoMark, rid)
        assert mark is not None and mark.status == "marked"
