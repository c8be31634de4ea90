"""核实 and decisions: data-exchange imports, comparison with evidence, home visits, register /
reject with the notice, and the 待办 list."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from desktop.config import Config
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import registration as reg
from desktop.services import verification as ver
from desktop.services.verification import ComparisonOutcome, Recommendation
from desktop.store.db import Store
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, ingest
from desktop.store.models import Event, HomeVisitTask, Registration, XrefBatch, XrefRecord
from tests.desktop.services.conftest import counter_context
from tests.desktop.services.records import Recorded, apply

APPLIED = dt.date(2025, 9, 1)
TODAY = dt.date(2025, 9, 3)
CONFIG = Config()


@pytest.fixture
def ctx(store: Store, actor: Actor) -> reg.CounterContext:
    return counter_context(store, actor)


@pytest.fixture
def applied(store: Store, actor: Actor) -> Recorded:
    return apply(store, actor, steps=())


def load(
    store: Store, source: str, csv_text: str, *, encoding: str = "utf-8"
) -> ver.XrefImportResult:
    with store.session() as session:
        return ver.import_xref(
            session, source, csv_text.encode(encoding), file_name=f"{source}.csv", imported_by="t"
        )


def holders(id_number: str, name: str = "马晓燕", sex: str = "女") -> str:
    return f"身份证号码,姓名,性别,卡号\n{id_number},{name},{sex},A62010203\n"


def compare(store: Store, registration_id: str) -> ver.VerificationReport:
    with store.session(write=False) as session:
        return ver.compare_registration(session, registration_id, TODAY)


def result(report: ver.VerificationReport, source: str) -> ver.SourceResult:
    return next(r for r in report.results if r.source == source)


# --------------------------------------------------------------------------- imports


def test_an_import_replaces_the_rows_of_its_source(store: Store) -> None:
    first = load(store, "ssc_holders", holders("620102198806150027") + "6201021990,张三,男,B1\n")
    assert (first.rows, first.replaced) == (2, 0)
    second = load(store, "ssc_holders", holders("620102198806150027"))
    assert (second.rows, second.replaced) == (1, 2)
    with store.session(write=False) as session:
        rows = session.scalars(select(XrefRecord)).all()
        assert [(r.source, r.name, r.detail) for r in rows] == [
            ("ssc_holders", "马晓燕", {"sex": "女", "卡号": "A62010203"})
        ]
        assert session.scalar(select(func.count()).select_from(XrefBatch)) == 2


def test_a_gb18030_file_with_english_headers_is_read(store: Store) -> None:
    csv_text = "id_number,name,status,started_on,ended_on,organisation,role\n"
    csv_text += "620102198806150027,马晓燕,存续,2019-03-01,,城关区晓燕副食店,经营者\n"
    assert load(store, "market", csv_text, encoding="gb18030").rows == 1


def test_a_bad_file_lists_every_bad_line_and_keeps_the_old_data(store: Store) -> None:
    load(store, "employment_filing", "身份证号码,用人单位,用工日期\n620102,甲公司,2020-01-01\n")
    bad = "身份证号码,用人单位,用工日期,解除日期\n"
    bad += ",甲公司,2020-01-01,\n"  # no number
    bad += "620102,乙公司,2020-13-01,\n"  # no such month
    bad += "620102,丙公司,2021-01-01,2020-01-01\n"  # ends before it starts
    bad += "620102,丁公司\n"  # short row
    with pytest.raises(ver.XrefImportError) as refused:
        load(store, "employment_filing", bad)
    assert refused.value.problems == [
        "第2行缺少证件号码",
        "第3行日期「2020-13-01」无法识别（应为 YYYY-MM-DD）",
        "第4行结束日期早于开始日期",
        "第5行有2列，表头有4列",
    ]
    assert "未导入" in refused.value.message
    with store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(XrefRecord)) == 1


@pytest.mark.parametrize(
    ("source", "csv_text", "message"),
    [
        ("moon", "a\n", "没有名为“moon”的比对数据来源"),
        ("pension", "身份证号码,姓名\n1,2\n", "缺少必需的列：started_on"),
        ("pension", "", "文件是空的"),
    ],
)
def test_unusable_files_are_refused(store: Store, source: str, csv_text: str, message: str) -> None:
    with pytest.raises(ver.XrefImportError) as refused:
        load(store, source, csv_text)
    assert message in refused.value.message


# --------------------------------------------------------------------------- comparison


def test_nothing_imported_means_no_record_everywhere_and_a_home_visit(
    store: Store, applied: Recorded
) -> None:
    report = compare(store, applied.registration_id)
    assert {r.outcome for r in report.results} == {ComparisonOutcome.NO_RECORD}
    assert all(r.evidence == ("本机尚未导入此表",) and not r.loaded for r in report.results)
    assert report.recommendation is Recommendation.HOME_VISIT
    assert "上门核实" in report.summary


def test_a_matching_card_holder_and_no_employment_verifies(store: Store, applied: Recorded) -> None:
    load(store, "ssc_holders", holders(applied.id_number))
    load(store, "employment_filing", "身份证号码,用人单位,用工日期\n620102,甲公司,2020-01-01\n")
    report = compare(store, applied.registration_id)
    holder = result(report, "ssc_holders")
    assert holder.outcome is ComparisonOutcome.CONSISTENT and holder.loaded
    filing = result(report, "employment_filing")
    assert filing.outcome is ComparisonOutcome.NO_RECORD
    assert filing.evidence == ("该证件号码在此表中没有记录",)
    assert report.recommendation is Recommendation.VERIFY


def test_a_different_name_on_the_card_holder_base_is_inconsistent(
    store: Store, applied: Recorded
) -> None:
    load(store, "ssc_holders", holders(applied.id_number, name="马小燕", sex="男"))
    holder = result(compare(store, applied.registration_id), "ssc_holders")
    assert holder.outcome is ComparisonOutcome.INCONSISTENT
    assert holder.evidence == (
        "姓名：申请人为「马晓燕」，社会保障卡持卡人员基础信息库为「马小燕」",
        "性别：申请人为女，社会保障卡持卡人员基础信息库为男",
    )


@pytest.mark.parametrize(
    ("source", "row", "outcome", "evidence"),
    [
        (
            "market",
            "身份证号码,市场主体名称,身份,状态,成立日期,注销日期\n{n},晓燕副食店,经营者,存续,2019-03-01,\n",
            ComparisonOutcome.INCONSISTENT,
            "晓燕副食店（经营者），成立于2019-03-01，状态存续：从事个体经营或创办企业（通知第五条（二））",
        ),
        (
            "market",
            "身份证号码,市场主体名称,状态,成立日期,注销日期\n{n},晓燕副食店,注销,2019-03-01,2025-05-30\n",
            ComparisonOutcome.CONSISTENT,
            "晓燕副食店（经营者），成立于2019-03-01，状态注销，已于2025-05-30终止",
        ),
        (
            "social_insurance",
            "身份证号码,险种,参保单位,缴费状态,参保日期\n{n},企业职工基本养老保险,甲公司,参保缴费,2018-01-01\n",
            ComparisonOutcome.INCONSISTENT,
            "企业职工基本养老保险（甲公司），2018-01-01起，状态参保缴费：由单位参保缴费，处于就业状态",
        ),
        (
            "social_insurance",
            "身份证号码,险种,参保单位,缴费状态,参保日期\n{n},城乡居民基本养老保险,,参保缴费,2018-01-01\n",
            ComparisonOutcome.CONSISTENT,
            "城乡居民基本养老保险（个人缴费），2018-01-01起，状态参保缴费",
        ),
        (
            "employment_filing",
            "身份证号码,用人单位,用工日期,解除日期\n{n},甲公司,2020-01-01,2025-06-30\n",
            ComparisonOutcome.CONSISTENT,
            "甲公司，2020-01-01用工备案，2025-06-30解除或终止",
        ),
        (
            "employment_filing",
            "身份证号码,用人单位,用工日期,解除日期\n{n},甲公司,2020-01-01,\n",
            ComparisonOutcome.INCONSISTENT,
            "甲公司，2020-01-01用工备案，未办理解除或终止备案：处于就业状态",
        ),
        (
            "pension",
            "身份证号码,待遇类型,开始领取日期,发放状态\n{n},企业职工基本养老金,2024-01-01,正常发放\n",
            ComparisonOutcome.INCONSISTENT,
            "企业职工基本养老金，2024-01-01起领取：已依法享受基本养老保险待遇（通知第一条）",
        ),
        (
            "public_security",
            "身份证号码,姓名,人口状态,状态日期\n{n},马晓燕,死亡,2025-08-01\n",
            ComparisonOutcome.INCONSISTENT,
            "人口状态：死亡（2025-08-01），即死亡（通知第五条（三））",
        ),
    ],
)
def test_each_source_gives_its_outcome_with_evidence(
    store: Store,
    applied: Recorded,
    source: str,
    row: str,
    outcome: ComparisonOutcome,
    evidence: str,
) -> None:
    load(store, source, row.format(n=applied.id_number))
    report = compare(store, applied.registration_id)
    found = result(report, source)
    assert found.outcome is outcome
    assert found.evidence == (evidence,)
    if outcome is ComparisonOutcome.INCONSISTENT:
        assert report.recommendation is Recommendation.REVIEW
        assert evidence in report.summary


def test_the_comparison_is_journalled_and_verifies_only_when_it_may(
    store: Store, ctx: reg.CounterContext, applied: Recorded
) -> None:
    with store.session() as session:
        report = ver.run_comparison(session, ctx, applied.registration_id, TODAY)
    assert report.recommendation is Recommendation.HOME_VISIT
    with pytest.raises(ver.VerificationError) as refused, store.session() as session:
        ver.verify_by_comparison(session, ctx, applied.registration_id, TODAY)
    assert "不能以数据比对核实通过" in refused.value.message
    load(store, "ssc_holders", holders(applied.id_number))
    with store.session() as session:
        ver.verify_by_comparison(session, ctx, applied.registration_id, TODAY)
    with store.session(write=False) as session:
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "verified"
        assert registration.verification_method == "data_comparison"
        evidence = registration.extra["verification_evidence"]
        assert evidence["recommendation"] == "verify"
        assert {r["source"]: r["outcome"] for r in evidence["results"]}["ssc_holders"] == "一致"
        kinds = list(
            session.scalars(
                select(Event.kind)
                .where(Event.entity_id == applied.registration_id)
                .order_by(Event.seq)
            )
        )
    assert kinds == ["registration.applied", "verification.compared", "registration.verified"]


# --------------------------------------------------------------------------- home visits


def test_a_home_visit_confirming_unemployment_verifies(
    store: Store, ctx: reg.CounterContext, applied: Recorded
) -> None:
    with store.session() as session:
        task = ver.assign_home_visit(
            session,
            ctx,
            applied.registration_id,
            assignee="李明",
            due_on=dt.date(2025, 9, 8),
            reason="持卡库无记录",
            on=TODAY,
        )
    assert task.status == "open" and task.address == "示例街道示例社区2号"
    with pytest.raises(ver.VerificationError) as refused, store.session() as session:
        ver.assign_home_visit(
            session,
            ctx,
            applied.registration_id,
            assignee="王芳",
            due_on=dt.date(2025, 9, 8),
            reason="",
            on=TODAY,
        )
    assert "已有未完成的上门核实任务" in refused.value.message
    with store.session() as session:
        items = ver.todo_items(session, TODAY, WorkdayCalendar(), "620102")
    assert [item.next_step for item in items] == ["上门核实中（李明）"]
    with pytest.raises(ver.VerificationError) as refused, store.session() as session:
        ver.complete_home_visit(
            session,
            ctx,
            task.task_id,
            visited_on=TODAY,
            outcome="unemployed",
            findings=" ",
            on=TODAY,
        )
    assert refused.value.message == "请填写走访情况"
    with store.session() as session:
        done = ver.complete_home_visit(
            session,
            ctx,
            task.task_id,
            visited_on=TODAY,
            outcome="unemployed",
            findings="本人在家，近期在找工作",
            on=TODAY,
        )
    assert done.status == "done" and done.outcome == "unemployed"
    with store.session(write=False) as session:
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "verified"
        assert registration.verification_method == "home_visit"


def test_a_visit_finding_work_leads_to_a_rejection_with_its_notice(
    store: Store, ctx: reg.CounterContext, applied: Recorded
) -> None:
    with store.session() as session:
        task = ver.assign_home_visit(
            session,
            ctx,
            applied.registration_id,
            assignee="李明",
            due_on=dt.date(2025, 9, 8),
            reason="",
            on=TODAY,
        )
        ver.complete_home_visit(
            session,
            ctx,
            task.task_id,
            visited_on=TODAY,
            outcome="employed",
            findings="在小区超市上班",
            on=TODAY,
        )
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "applied"
        ver.decide_reject(
            session, ctx, applied.registration_id, on=TODAY, reason="上门核实：已在超市就业"
        )
    with store.session(write=False) as session:
        notice = ver.rejection_notice(session, CONFIG, applied.registration_id, TODAY)
    lines = ver.notice_lines(notice)
    assert lines[0] == "马晓燕（证件号码 6201**********" + applied.id_number[-4:] + "）："
    assert "2025年9月1日申请办理失业登记" in lines[1] and applied.number in lines[1]
    assert lines[2] == "1. 上门核实：已在超市就业"
    pdf = ver.notice_pdf(notice)
    assert pdf.startswith(b"%PDF")


def test_a_rejection_cancels_an_open_visit(
    store: Store, ctx: reg.CounterContext, applied: Recorded
) -> None:
    with store.session() as session:
        ver.assign_home_visit(
            session,
            ctx,
            applied.registration_id,
            assignee="李明",
            due_on=dt.date(2025, 9, 8),
            reason="",
            on=TODAY,
        )
        ver.decide_reject(session, ctx, applied.registration_id, on=TODAY, reason="本人撤回申请")
        assert ver.open_visit(session, applied.registration_id) is None
        task = session.scalars(select(HomeVisitTask)).one()
        assert task.status == "cancelled" and task.findings == "不予登记：本人撤回申请"


def test_home_visit_events_pulled_from_elsewhere_become_tasks(
    store: Store, applied: Recorded
) -> None:
    task_id = str(uuid.uuid4())
    remote = HybridLogicalClock("countyB")
    with store.session() as session:
        ingest(
            session,
            {
                "id": str(uuid.uuid4()),
                "entity_type": "home_visit",
                "entity_id": task_id,
                "kind": "home_visit.assigned",
                "payload": {
                    "registration_id": applied.registration_id,
                    "person_id": applied.person_id,
                    "assignee": "王芳",
                    "assigned_on": "2025-09-02",
                    "due_on": "2025-09-09",
                    "reason": "持卡库无记录",
                    "address": "",
                },
                "clerk_id": "clerkB",
                "counter_id": "620102-02",
                "wall_time": "2025-09-02T02:00:00+00:00",
                "hlc": remote.now(),
            },
            store.clock,
        )
        visit = ver.open_visit(session, applied.registration_id)
    assert visit is not None and visit.assignee == "王芳" and visit.task_id == task_id


# --------------------------------------------------------------------------- decisions and 待办


def test_registering_needs_the_printed_commitment_at_the_counter(
    store: Store, ctx: reg.CounterContext, applied: Recorded
) -> None:
    load(store, "ssc_holders", holders(applied.id_number))
    with store.session() as session:
        ver.verify_by_comparison(session, ctx, applied.registration_id, TODAY)
    with pytest.raises(ver.VerificationError) as refused, store.session() as session:
        ver.decide_register(session, ctx, applied.registration_id, on=TODAY)
    assert "书面承诺书尚未打印" in refused.value.message
    with store.session() as session:
        reg_row = session.get(Registration, applied.registration_id)
        assert reg_row is not None
        from desktop.store.journal import record

        record(
            session,
            ctx.actor,
            entity_type="registration",
            entity_id=applied.registration_id,
            kind="commitment.printed",
            payload={"printer": "P"},
            clock=ctx.clock,
        )
        ver.decide_register(session, ctx, applied.registration_id, on=TODAY)
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "registered"


def test_the_todo_list_is_sorted_by_urgency_with_every_channel(
    store: Store, ctx: reg.CounterContext, actor: Actor
) -> None:
    late = apply(store, actor, sequence=11, steps=())
    online = apply(store, actor, sequence=12, steps=(), extra={"job_wish": "会计"})
    delegated = apply(store, actor, sequence=13, steps=(), extra={"delegated_agency": "残联就业"})
    verified = apply(store, actor, sequence=14, steps=("verify",))
    apply(store, actor, sequence=15)  # registered: nothing to do
    with store.session() as session:
        # An online application arrives (channel online) and one is older and overdue.
        session.get(Registration, online.registration_id).channel = "online"  # type: ignore[union-attr]
        session.get(Registration, late.registration_id).due_on = dt.date(2025, 8, 29)  # type: ignore[union-attr]
    with store.session() as session:
        items = ver.todo_items(session, TODAY, WorkdayCalendar(), "620102")
    assert items[0].registration_id == late.registration_id
    assert items[0].overdue and items[0].workdays_left == -5
    rest = {item.registration_id: item for item in items[1:]}
    assert set(rest) == {
        online.registration_id,
        delegated.registration_id,
        verified.registration_id,
    }
    assert rest[online.registration_id].channel_label == "网上申请"
    assert rest[delegated.registration_id].channel_label == "委托受理"
    assert rest[delegated.registration_id].delegated_agency == "残联就业"
    assert rest[verified.registration_id].next_step == "待打印承诺书后登记"
    # Applied 2025-09-01, due 2025-09-10: five working days after Wednesday 09-03.
    assert rest[online.registration_id].workdays_left == 5
    assert not any(item.overdue for item in items[1:])
