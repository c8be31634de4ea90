"""受理登记 as a state machine, without widgets: cards and typed numbers, live checks, the
duplicate check, the commitment before acceptance, and acceptance as one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from sqlalchemy import func, select, text

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.services import intake
from desktop.services import registration as reg
from desktop.services.intake import (
    DuplicateCheck,
    FieldSource,
    IntakeError,
    IntakeFlow,
    IntakeStep,
    PrintedCommitment,
    check_duplicates,
    with_values,
)
from desktop.services.reference_lists import seed_reference_lists
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Person, Registration
from devices.card import CardData, CardKind, CardSource
from devices.emulators.idcard_reader import permit_j_block, resident_block, with_gb11643_check
from devices.mps.text import parse_text_block
from tests.desktop.services.conftest import counter_context, resident_id

TODAY = dt.date(2025, 9, 1)  # a Monday
OFFICE = "620102"  # 兰州市城关区, the counter of tests/desktop/services/conftest.py
CONFIG = Config()
REST_OF_FORM: Mapping[str, str] = {
    "hukou_type": "10",
    "education": "31",
    "health": "1",
    "phone": "13893100000",
    "residence_urban": "1",
    "unemployed_since": "20250630",
    "unemployment_cause": "02",
}


def id_card(
    *,
    name: str = "马晓燕",
    sex: str = "2",
    birth: dt.date = dt.date(1988, 6, 15),
    sequence: str = "152",
    address: str = "甘肃省兰州市城关区张掖路街道庆阳路12号",
    valid_until: dt.date | None = dt.date(2038, 6, 12),
) -> CardData:
    """A resident ID card as the production parser reads it from the emulator's text block."""
    number = with_gb11643_check(f"620102{birth:%Y%m%d}{sequence}")
    block = resident_block(
        name=name,
        sex=sex,
        ethnicity="03",
        birth=birth,
        address=address,
        id_number=number,
        issuer="兰州市公安局城关分局",
        valid_from=dt.date(2018, 6, 12),
        valid_until=valid_until,
    )
    return parse_text_block(block)


def ss_card(card: CardData, **changes: object) -> CardData:
    values: dict[str, object] = {
        "kind": CardKind.SOCIAL_SECURITY,
        "source": CardSource.SOCIAL_SECURITY_READER,
        "name": card.name,
        "id_number": card.id_number,
        "sex": card.sex,
        "birth_date": card.birth_date,
        "ss_card_number": "A62010203",
        "valid_until": dt.date(2030, 1, 1),
    }
    values.update(changes)
    return CardData(**values)  # type: ignore[arg-type]


def flow() -> IntakeFlow:
    return IntakeFlow(OFFICE, today=lambda: TODAY)


def no_duplicates(current: IntakeFlow) -> None:
    needed = current.duplicate_check_needed()
    assert needed is not None
    current.duplicates_checked(DuplicateCheck(needed[0], None, None, {}, None, ()))


def completed(card: CardData | None = None) -> IntakeFlow:
    current = flow()
    current.read_card(card or id_card())
    with_values(current, REST_OF_FORM)
    no_duplicates(current)
    return current


@pytest.fixture
def ctx(store: Store, actor: Actor) -> reg.CounterContext:
    with store.session() as session:
        seed_reference_lists(session)
    return counter_context(store, actor)


def count(store: Store, model: type) -> int:
    with store.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def print_and_accept(store: Store, ctx: reg.CounterContext, current: IntakeFlow) -> str:
    """What the page does on Ctrl+P then Ctrl+Enter, with the database steps it runs."""
    current.print_started()
    with store.session() as session:
        reserved = intake.reserve_commitment(session, ctx, CONFIG, current.view())
    current.number_reserved(reserved.number)
    rendered = intake.render_commitment(reserved)
    current.commitment_printed(PrintedCommitment(rendered, "DengjiFile"))
    application = current.accept_started()
    with store.session() as session:
        applied = intake.accept_application(
            session,
            ctx,
            application,
            number=current.reserved_number,
            commitment=current.printed_commitment,
        )
    current.accepted(applied)
    return applied.registration_id


# --------------------------------------------------------------------------- the card


def test_a_card_fills_the_form_and_marks_each_field_with_its_source() -> None:
    current = flow()
    current.read_card(id_card())
    view = current.view()
    by_card = {
        name: state.value
        for name, state in view.fields.items()
        if state.source is FieldSource.ID_CARD
    }
    assert by_card == {
        "name": "马晓燕",
        "sex": "2",
        "ethnicity": "03",
        "birth_date": "1988-06-15",
        "doc_type": "1",
        "id_number": id_card().id_number,
        "household_region": "620102",
        "household_address": "张掖路街道庆阳路12号",
    }
    assert view.fields["residence_region"].source is FieldSource.DEFAULT
    assert view.fields["registration_place"].value == "household"
    # 一次性告知: everything still missing, at once
    assert view.missing == (
        "户口性质",
        "文化程度",
        "健康状况",
        "联系电话",
        "常住地城乡",
        "失业时间",
        "失业原因",
    )
    assert view.print_blocker.startswith("尚未填写：户口性质、文化程度")
    assert view.step is IntakeStep.EDITING


def test_typing_the_rest_makes_it_ready_once_the_duplicate_check_is_back() -> None:
    current = flow()
    current.read_card(id_card())
    with_values(current, REST_OF_FORM)
    view = current.view()
    assert view.missing == () and view.problems == () and view.unmet == ()
    assert view.eligible
    assert view.duplicate_pending and "正在查询" in view.print_blocker
    no_duplicates(current)
    view = current.view()
    assert view.can_print
    assert not view.can_accept and "请先打印书面承诺书" in view.accept_blocker


def test_a_typed_field_becomes_handwritten_and_the_form_order_is_the_paper_order() -> None:
    current = flow()
    current.read_card(id_card())
    current.set_field("household_address", "张掖路街道庆阳路14号")
    assert current.view().fields["household_address"].source is FieldSource.TYPED
    labels = [spec.label for spec in intake.FORM_FIELDS[:6]]
    assert labels == ["姓名", "性别", "民族", "出生日期", "证件类型", "证件号码"]


def test_typing_a_number_derives_the_document_type_sex_and_birth_date() -> None:
    current = flow()
    current.set_field("id_number", resident_id("19900101", 123))
    view = current.view()
    assert view.value("doc_type") == "1"
    assert view.value("sex") == "1"
    assert view.value("birth_date") == "1990-01-01"
    assert view.fields["sex"].source is FieldSource.DERIVED


# --------------------------------------------------------------------------- bad input


def test_a_wrong_check_digit_says_which_digit_it_should_be() -> None:
    number = resident_id("19900101", 123)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    current = flow()
    current.set_field("id_number", wrong)
    view = current.view()
    assert view.fields["id_number"].error == f"第18位校验码应为{number[17]}，实为{wrong[17]}"
    assert view.document is None
    assert not view.can_print


def test_a_birth_date_in_the_future_is_refused_in_the_number_and_in_the_field() -> None:
    body = "62010220300101123"
    current = flow()
    current.set_field("id_number", body + check_digit(body))
    assert current.view().fields["id_number"].error == "出生日期20300101晚于今天"
    current.set_field("doc_type", "4")
    current.set_field("id_number", "H12345678")
    current.set_field("birth_date", "2030-01-01")
    assert current.view().fields["birth_date"].error == "2030-01-01晚于今天"


def test_under_16_is_listed_as_an_unmet_condition_with_the_date() -> None:
    current = flow()
    current.read_card(id_card(birth=dt.date(2010, 3, 1)))
    with_values(current, REST_OF_FORM)
    view = current.view()
    assert view.unmet == ("申请之日未满16周岁（2026-03-01年满16周岁）",)
    assert not view.eligible
    assert view.print_blocker.startswith("不符合失业登记条件：申请之日未满16周岁")


def test_every_unmet_condition_is_listed_together() -> None:
    current = flow()
    current.read_card(id_card(birth=dt.date(2010, 3, 1)))
    with_values(
        current,
        {**REST_OF_FORM, "willing_to_work": "0", "receives_pension": "1", "not_employed": "0"},
    )
    unmet = current.view().unmet
    assert len(unmet) == 4
    assert "已依法享受基本养老保险待遇" in unmet and "无就业要求" in unmet


def test_an_expired_card_is_a_warning_with_its_date() -> None:
    current = completed(id_card(valid_until=dt.date(2024, 6, 12)))
    view = current.view()
    assert "居民身份证已于2024-06-12到期，请核验申请人的其他有效身份证件" in view.warnings
    assert view.can_print  # a warning: the clerk checks another document
    assert current.application().extra["card_warnings"] == [view.warnings[0]]


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # a bullet typed for the dot
        ("阿依古丽 ・ 买买提", "阿依古丽·买买提"),  # a Japanese-IME dot with spaces
    ],
)
def test_a_name_with_a_middle_dot_is_accepted_as_one_dot(typed: str, recorded: str) -> None:
    current = completed()
    current.set_field("name", typed)
    view = current.view()
    assert view.fields["name"].error == ""
    assert intake.normalize_name(typed) == recorded
    assert current.application().person.name == intake.normalize_name(typed)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("·买买提", "间隔号"),
        ("马3燕", "不能用于姓名的字符「3」（第2个字）"),
        ("马晓燕!", "不能用于姓名的字符「!」"),
        ("", "请填写姓名"),
    ],
)
def test_bad_names_say_what_is_wrong(name: str, error: str) -> None:
    message, _warnings = intake.check_name(intake.normalize_name(name))
    assert error in message


def test_a_rare_character_outside_the_bmp_is_accepted_and_kept(
    store: Store, ctx: reg.CounterContext
) -> None:
    # A card holds UCS-2 only: the police write 𠮷 (U+20BB7) in the private use area, and the
    # clerk types the real character over it.
    current = completed(id_card(name="\ue000祥"))
    assert any("造字区" in warning for warning in current.view().warnings)
    current.set_field("name", "𠮷祥")
    view = current.view()
    assert view.fields["name"].value == "𠮷祥" and view.fields["name"].error == ""
    assert "姓名含扩展区生僻字「𠮷」，打印后请核对字形" in view.warnings
    registration_id = print_and_accept(store, ctx, current)
    with store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        person = session.get(Person, registration.person_id)
        assert person is not None and person.name == "𠮷祥"


def test_a_private_use_character_from_a_reader_is_a_warning() -> None:
    _error, warnings = intake.check_name("马\ue000燕")
    assert warnings and "造字区" in warnings[0]


def test_a_hong_kong_permit_needs_mainland_employment_and_typed_sex_and_birth() -> None:
    current = flow()
    with_values(
        current,
        {
            "name": "陈嘉欣",
            "doc_type": "4",
            "id_number": "h12345678",
            "household_region": "810000",
            "residence_region": "620102",
            **REST_OF_FORM,
            "hukou_type": "30",
        },
    )
    view = current.view()
    assert view.document is not None and view.document.hmt_origin == "香港"
    assert view.fields["id_number"].value == "H12345678"
    assert "性别" in view.missing and "出生日期" in view.missing
    assert "曾在内地（大陆）就业" in view.missing
    assert view.fields["employed_on_mainland"].applicable
    with_values(current, {"sex": "2", "birth_date": "1994-08-23"})
    assert current.view().unmet == (
        "港澳台居民须在内地（大陆）就业后失业方可办理失业登记（尚未确认是否曾在内地（大陆）就业）",
    )
    current.set_field("employed_on_mainland", "1")
    view = current.view()
    assert view.unmet == () and view.eligible
    assert view.fields["registration_place"].value == "residence"


def test_a_residence_permit_card_fills_the_mainland_address_as_residence() -> None:
    block = permit_j_block(
        name="陈嘉欣",
        sex="2",
        birth=dt.date(1994, 8, 23),
        address="甘肃省兰州市城关区东岗街道16号",
        id_number="810000199408230021",
        issuer="兰州市公安局城关分局",
        valid_from=dt.date(2022, 3, 1),
        valid_until=dt.date(2027, 3, 1),
        permit_number="H60123456",
        issue_count=1,
    )
    current = flow()
    current.read_card(parse_text_block(block))
    view = current.view()
    assert view.value("doc_type") == "3"
    assert view.value("household_region") == "810000"
    assert view.value("hukou_type") == "30"
    assert view.value("residence_region") == "620102"
    assert view.value("residence_address") == "东岗街道16号"
    assert view.fields["employed_on_mainland"].required


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345678", "台湾居民来往大陆通行证不是通知第三条所列的有效身份证件"),
        ("911124198108030024", "外国人永久居留身份证持有人不在通知第一条所列的失业登记对象之内"),
    ],
)
def test_documents_the_notice_does_not_list_are_refused(number: str, message: str) -> None:
    current = flow()
    current.set_field("id_number", number)
    assert message in current.view().fields["id_number"].error


def test_a_bad_phone_and_a_bad_date_are_field_errors() -> None:
    current = completed()
    with_values(current, {"phone": "1389310", "unemployed_since": "20250231"})
    fields = current.view().fields
    assert "手机号码为11位" in fields["phone"].error
    assert fields["unemployed_since"].error == "「20250231」不是有效日期（如20250630）"


def test_disability_makes_grade_and_category_required() -> None:
    current = completed()
    current.set_field("health", "6")
    assert {"伤残等级", "残疾类别"} <= set(current.view().missing)


# --------------------------------------------------------------------------- two cards


def test_the_social_security_card_of_the_same_person_is_cross_checked() -> None:
    card = id_card()
    current = completed(card)
    current.read_card(ss_card(card))
    view = current.view()
    assert view.problems == ()
    assert view.fields["name"].source is FieldSource.ID_CARD  # the ID card wins
    assert current.application().person.extra["ss_card_number"] == "A62010203"


def test_a_social_security_card_of_someone_else_is_flagged() -> None:
    card = id_card()
    current = completed(card)
    current.read_card(ss_card(card, name="马小燕", sex="1"))
    problems = current.view().problems
    assert "证件核对：身份证姓名「马晓燕」与社保卡姓名「马小燕」不一致" in problems
    assert "证件核对：身份证性别（女）与社保卡性别（男）不一致" in problems
    assert not current.view().can_print


def test_the_same_card_read_again_keeps_what_the_clerk_corrected() -> None:
    card = id_card(name="\ue000祥", sequence="333")
    current = completed(card)
    current.set_field("name", "𠮷祥")
    current.read_card(card)  # F2 shows the last card again
    view = current.view()
    assert view.value("name") == "𠮷祥" and view.value("phone") == "13893100000"
    assert len([w for w in view.warnings if "到期" in w]) == 0


def test_another_id_card_starts_the_next_applicant() -> None:
    current = completed()
    current.read_card(id_card(name="张建国", sex="1", birth=dt.date(1975, 3, 8), sequence="101"))
    view = current.view()
    assert view.value("name") == "张建国"
    assert view.value("phone") == ""


# --------------------------------------------------------------------------- duplicates


def applied_elsewhere(store: Store, actor: Actor, card: CardData, region: str) -> str:
    """The same person's registration made at a counter of another county (as sync brings it)."""
    ctx = counter_context(store, actor)
    ctx = reg.CounterContext(
        actor=ctx.actor,
        clock=ctx.clock,
        region_code=region,
        counter_number=3,
        calendar=ctx.calendar,
    )
    current = IntakeFlow(region, today=lambda: TODAY)
    current.read_card(card)
    with_values(current, {**REST_OF_FORM, "residence_region": region})
    no_duplicates(current)
    application = current.application()
    with store.session() as session:
        return reg.apply_for_registration(session, ctx, application).number


def test_an_active_local_registration_blocks_and_names_the_record(
    store: Store, ctx: reg.CounterContext
) -> None:
    first = completed()
    print_and_accept(store, ctx, first)
    second = completed()
    with store.session(write=False) as session:
        check = check_duplicates(session, id_card().id_number, "RESIDENT_ID", OFFICE)
    assert check.local is not None and check.elsewhere == ()
    second.duplicates_checked(check)
    view = second.view()
    assert not view.can_print
    assert f"已有有效的失业登记（登记编号 {check.local.number}）" in view.print_blocker
    assert view.fields["phone"].value == "13893100000"


def test_an_active_registration_elsewhere_is_a_warning_and_does_not_block(
    store: Store, ctx: reg.CounterContext, actor: Actor
) -> None:
    card = id_card()
    number_elsewhere = applied_elsewhere(store, actor, card, "620402")  # 白银区
    current = completed(card)
    with store.session(write=False) as session:
        check = check_duplicates(session, card.id_number, "RESIDENT_ID", OFFICE)
    assert check.local is None and [r.number for r in check.elsewhere] == [number_elsewhere]
    current.duplicates_checked(check)
    view = current.view()
    assert any(f"登记编号 {number_elsewhere}" in warning for warning in view.warnings)
    assert any("白银市白银区" in warning for warning in view.warnings)
    assert view.can_print
    registration_id = print_and_accept(store, ctx, current)
    with store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        assert registration.extra["active_elsewhere"] == number_elsewhere
    assert current.view().message.endswith("请核实")


def test_an_earlier_record_pre_fills_and_a_social_security_card_finds_the_same_person(
    store: Store, ctx: reg.CounterContext
) -> None:
    first = completed()
    registration_id = print_and_accept(store, ctx, first)
    with store.session() as session:
        reg.reject(session, ctx, registration_id, on=TODAY, reason="已就业")
    card = id_card()
    current = flow()
    current.read_card(ss_card(card))  # this time with the 社保卡
    with store.session(write=False) as session:
        check = check_duplicates(session, card.id_number, "SOCIAL_SECURITY_CARD", OFFICE)
    current.duplicates_checked(check)
    view = current.view()
    assert view.fields["phone"].value == "13893100000"
    assert view.fields["phone"].source is FieldSource.RECORD
    with_values(
        current,
        {"residence_urban": "1", "unemployed_since": "2025-08-01", "unemployment_cause": "02"},
    )
    print_and_accept(store, ctx, current)
    assert count(store, Person) == 1  # one person, though the documents differ


# --------------------------------------------------------------------------- acceptance


def test_acceptance_needs_the_printed_commitment() -> None:
    current = completed()
    with pytest.raises(IntakeError) as refused:
        current.accept_started()
    assert refused.value.message == "请先打印书面承诺书（Ctrl+P），由申请人签字后再受理"


def test_a_print_failure_counts_nothing_as_printed() -> None:
    current = completed()
    current.print_started()
    with pytest.raises(IntakeError):
        current.set_field("phone", "13800000000")  # busy while printing
    current.print_failed("打印机未就绪或已关闭：DengjiFile")
    view = current.view()
    assert view.step is IntakeStep.EDITING
    assert view.message == "书面承诺书未能打印：打印机未就绪或已关闭：DengjiFile"
    assert not view.can_accept


def test_changing_the_identity_after_printing_needs_a_new_letter(
    store: Store, ctx: reg.CounterContext
) -> None:
    current = completed()
    current.print_started()
    with store.session() as session:
        reserved = intake.reserve_commitment(session, ctx, CONFIG, current.view())
    current.number_reserved(reserved.number)
    current.commitment_printed(PrintedCommitment(intake.render_commitment(reserved), "P"))
    assert current.view().can_accept
    current.set_field("phone", "13800000001")  # not on the letter: still printed
    assert current.view().can_accept
    current.set_field("name", "马小燕")
    view = current.view()
    assert view.step is IntakeStep.EDITING and not view.can_accept


def test_acceptance_records_everything_with_the_reserved_number_and_deadline(
    store: Store, ctx: reg.CounterContext
) -> None:
    current = completed()
    registration_id = print_and_accept(store, ctx, current)
    view = current.view()
    assert view.step is IntakeStep.ACCEPTED
    applied = view.accepted
    assert applied is not None
    assert applied.number.startswith(f"{OFFICE}0012025")
    # notice §3: 7 working days after Monday 2025-09-01
    assert applied.deadline.due == dt.date(2025, 9, 10)
    assert view.message.startswith(f"已受理，登记编号 {applied.number}，请于 2025-09-10 前办结")
    with store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        assert registration.number == applied.number == current.reserved_number
        assert registration.commitment_printed
        assert registration.extra["field_sources"]["name"] == "身份证"
        kinds = list(session.scalars(select(Event.kind).order_by(Event.seq)))
    assert kinds == [
        "person.recorded",
        "registration.applied",
        "document.printed",
        "commitment.printed",
    ]


def test_reserved_numbers_are_unique_and_follow_county_counter_year_sequence(
    store: Store, ctx: reg.CounterContext
) -> None:
    with store.session() as session:
        numbers = [reg.reserve_registration_number(session, ctx, TODAY) for _ in range(3)]
    assert numbers == [f"{OFFICE}0012025{n:05d}" for n in (1, 2, 3)]
    bad = completed().application()
    with pytest.raises(reg.InvalidApplicationError), store.session() as session:
        reg.apply_for_registration(session, ctx, bad, number="6201990012025000001")


def test_a_failure_half_way_through_acceptance_leaves_nothing_saved(
    store: Store, ctx: reg.CounterContext
) -> None:
    # A real failure inside the transaction: the database refuses the last event of the use
    # case (after the person and the application were written).
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER fail_commitment BEFORE INSERT ON journal"
                " WHEN NEW.kind = 'commitment.printed'"
                " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        )
    current = completed()
    with pytest.raises(Exception, match="injected failure"):
        print_and_accept(store, ctx, current)
    assert count(store, Event) == 0
    assert count(store, Person) == 0
    assert count(store, Registration) == 0
    current.accept_failed("injected failure")
    assert current.view().step is IntakeStep.PRINTED  # the letter stays printed: try again
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER fail_commitment"))
    application = current.accept_started()
    with store.session() as session:
        applied = intake.accept_application(
            session,
            ctx,
            application,
            number=current.reserved_number,
            commitment=current.printed_commitment,
        )
    assert applied.number == current.reserved_number
    assert count(store, Event) == 4


def test_after_acceptance_a_new_card_starts_the_next_applicant(
    store: Store, ctx: reg.CounterContext
) -> None:
    current = completed()
    print_and_accept(store, ctx, current)
    current.read_card(id_card(name="张建国", sex="1", birth=dt.date(1975, 3, 8), sequence="101"))
    view = current.view()
    assert view.step is IntakeStep.EDITING
    assert view.accepted is None and view.value("name") == "张建国"


def test_region_from_address_finds_the_county() -> None:
    assert intake.region_from_address("甘肃省临夏回族自治州临夏市八坊街道新华路12号") == (
        "622901",
        "八坊街道新华路12号",
    )
    assert intake.region_from_address("兰州市城关区庆阳路188号") == ("620102", "庆阳路188号")
    assert intake.region_from_address("河南省郑州市金水区") == ("410000", "郑州市金水区")
    assert intake.region_from_address("某地某街") == (None, "某地某街")
