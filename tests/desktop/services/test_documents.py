"""Documents built from the record, what printing one records, and a scanned signed letter."""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources

import pytest
from sqlalchemy import select

from desktop.config import Config
from desktop.services import documents as docs
from desktop.services.documents import DocumentRequestError, UnknownRegistrationNumberError
from desktop.store.db import Store
from desktop.store.journal import Actor, record
from desktop.store.models import Event, Registration
from printing.documents import DOCUMENTS
from printing.documents.deregistration_notice import DeregistrationReason
from printing.errors import DocumentDataError
from tests.desktop.services.records import apply
from tests.printing.pdf_tools import pdf_text

TODAY = dt.date(2025, 10, 20)
CONFIG = Config()


def events_of(store: Store, entity_id: str) -> list[Event]:
    with store.session(write=False) as session:
        return list(
            session.scalars(select(Event).where(Event.entity_id == entity_id).order_by(Event.seq))
        )


# --------------------------------------------------------------------------- document data


def test_registration_form_shows_labels_not_codes(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor)
    with seeded_store.session(write=False) as session:
        prepared = docs.prepare_document(
            session, CONFIG, "registration-form", person_id=recorded.person_id, today=TODAY
        )
    form = prepared.data
    assert prepared.registration_id == recorded.registration_id
    assert (form.registration_number, form.name, form.sex) == (recorded.number, "马晓燕", "女")
    assert (form.ethnicity, form.hukou_nature, form.education) == (
        "回族",
        "非农业户口",
        "大学专科毕业",
    )
    assert form.political_status == "群众" and form.marital_status == "已婚"
    assert form.health_status == "健康或良好" and form.id_document_type == "居民身份证"
    assert form.unemployment_reason == "与企业解除或终止劳动关系（劳动合同）"
    assert form.difficulty_categories == ("享受城乡最低生活保障人员",)
    assert form.registration_place == "兰州市城关区（户籍地）"
    assert form.vocational_qualification == "四级/中级工"
    assert (form.sought_occupation, form.wants_training) == ("会计", True)
    assert form.wants_to_start_business is None  # not asked: tick boxes for a pen
    # the region is printed once, before the street address
    assert form.hukou_region == "甘肃省兰州市城关区"
    assert form.hukou_address == "示例街道示例社区1号"
    assert form.residence_address == "示例街道示例社区2号"
    assert form.agency_name == "兰州市城关区公共就业服务机构"
    assert form.registration_date == dt.date(2025, 9, 3)


def test_commitment_names_the_registration_and_renders_its_barcode(
    seeded_store: Store, actor: Actor
) -> None:
    recorded = apply(seeded_store, actor, steps=())
    with seeded_store.session(write=False) as session:
        rendered = docs.render_document(
            session, CONFIG, "commitment", registration_id=recorded.registration_id
        )
    assert rendered.name == "commitment" and rendered.title == "失业登记书面承诺书"
    assert rendered.template_version == DOCUMENTS["commitment"].TEMPLATE_VERSION
    assert rendered.suggested_file_name == f"失业登记书面承诺书-{recorded.number}.pdf"
    text = pdf_text(rendered.pdf)
    assert recorded.number in text and "马晓燕" in text and "2025年9月1日" in text


@pytest.mark.parametrize("name", docs.LIST_DOCUMENTS)
def test_lists_come_from_the_reference_tables(seeded_store: Store, name: str) -> None:
    with seeded_store.session(write=False) as session:
        prepared = docs.prepare_document(session, CONFIG, name, today=TODAY)
    data = prepared.data
    assert data.issuer == "兰州市城关区公共就业服务机构" and data.issued_on == TODAY
    assert prepared.registration_id is None and prepared.person_id is None
    rendered = prepared.render()
    assert rendered.pdf.startswith(b"%PDF")


def test_agency_list_is_the_counters_county_and_city(seeded_store: Store) -> None:
    with seeded_store.session(write=False) as session:
        agencies = docs.prepare_document(session, CONFIG, "agency-list").data.agencies
    assert agencies[0].name == "兰州市城关区公共就业服务机构"
    assert {a.region_code for a in agencies} == {"620102", "620100"}


def test_an_empty_list_says_where_to_fill_it(store: Store) -> None:
    with store.session(write=False) as session, pytest.raises(DocumentDataError) as caught:
        docs.render_document(session, CONFIG, "policy-list")
    assert "请先在清单页面维护政策" in caught.value.message


def test_deregistration_notice_uses_the_notice_wording(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor, steps=("verify", "register", "deregister"), reason="22")
    with seeded_store.session(write=False) as session:
        rendered = docs.render_document(
            session, CONFIG, "deregistration-notice", person_id=recorded.person_id, today=TODAY
        )
    text = pdf_text(rendered.pdf)
    assert "从事个体经营、创办企业或民办非企业的" in text
    assert "2025年10月8日" in text and recorded.number in text


def test_other_reason_prints_the_clerks_note(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(
        seeded_store,
        actor,
        steps=("verify", "register", "deregister"),
        reason="41",
        note="本人申请注销",
    )
    with seeded_store.session(write=False) as session:
        prepared = docs.prepare_document(
            session, CONFIG, "deregistration-notice", registration_id=recorded.registration_id
        )
    assert prepared.data.reason is DeregistrationReason.OTHER
    assert prepared.data.other_reason_detail == "本人申请注销"


def test_no_notice_for_the_cases_notice_5_exempts(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor, steps=("verify", "register", "deregister"), reason="36")
    with seeded_store.session(write=False) as session, pytest.raises(DocumentDataError) as caught:
        docs.render_document(
            session, CONFIG, "deregistration-notice", registration_id=recorded.registration_id
        )
    assert caught.value.message == "“死亡的”情形按通知第五条无需告知本人，不打印注销告知书"


def test_every_deregistration_code_maps_to_its_notice_case() -> None:
    text = resources.files("desktop.domain").joinpath("data", "deregistration_reason.csv")
    rows = list(csv.DictReader(io.StringIO(text.read_text(encoding="utf-8"))))
    assert set(docs.REASON_BY_CODE) == {row["code"] for row in rows}
    for row in rows:
        reason = docs.REASON_BY_CODE[row["code"]]
        assert reason.clause == row["group"]
        assert reason.person_is_notified == (row["notify"] == "1"), row["code"]


@pytest.mark.parametrize(
    ("name", "steps", "message"),
    [
        ("deregistration-notice", ("verify", "register"), "尚未注销，不能打印注销告知书"),
        ("commitment", None, "该人员没有失业登记记录，不能打印《失业登记书面承诺书》"),
    ],
)
def test_a_document_that_does_not_fit_the_record_is_refused(
    seeded_store: Store,
    actor: Actor,
    name: str,
    steps: tuple[str, ...] | None,
    message: str,
) -> None:
    if steps is None:  # a person recorded without any registration
        person_id = "5d0c2a8e-7d44-4a36-8f4b-0d8f1b2c3a01"
        with seeded_store.session() as session:
            record(
                session,
                actor,
                entity_type="person",
                entity_id=person_id,
                kind="person.recorded",
                payload={"doc_type": "RESIDENT_ID", "id_number": "1", "name": "赵丽"},
                clock=seeded_store.clock,
            )
    else:
        person_id = apply(seeded_store, actor, steps=steps).person_id
    with seeded_store.session(write=False) as session, pytest.raises(DocumentRequestError) as e:
        docs.render_document(session, CONFIG, name, person_id=person_id)
    assert message in e.value.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "payslip"}, "没有名为“payslip”的文书"),
        ({"name": "commitment"}, "需要指定人员或登记编号"),
        (
            {"name": "commitment", "registration_id": "5d0c2a8e-7d44-4a36-8f4b-0d8f1b2c3a99"},
            "找不到登记记录",
        ),
        (
            {"name": "registration-form", "person_id": "5d0c2a8e-7d44-4a36-8f4b-0d8f1b2c3a99"},
            "找不到人员档案",
        ),
    ],
)
def test_bad_requests_get_a_chinese_message(
    seeded_store: Store, kwargs: dict[str, str], message: str
) -> None:
    with seeded_store.session(write=False) as session, pytest.raises(DocumentRequestError) as e:
        docs.render_document(session, CONFIG, **kwargs)
    assert message in e.value.message


def test_finding_people_and_registrations(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor)
    with seeded_store.session(write=False) as session:
        assert docs.find_person_by_id_number(session, recorded.id_number.lower()).id == (
            recorded.person_id
        )
        found = docs.find_registration_by_number(session, f" {recorded.number} ")
        assert found is not None and found.id == recorded.registration_id
        with pytest.raises(DocumentRequestError, match="未找到证件号码为 620102"):
            docs.find_person_by_id_number(session, "620102199001010011")


def test_contact_sheet_is_filled_from_the_settings(store: Store) -> None:
    with store.session(write=False) as session:
        blank = docs.prepare_document(session, CONFIG, "contact-sheet", today=TODAY).data
    assert blank.city == "兰州市" and blank.business_head.name == ""
    with store.session() as session:
        docs.save_contact_sheet_settings(
            session, {"business_head": {"name": "李明", "unit": "兰州市就业服务中心"}}
        )
    with store.session(write=False) as session:
        rendered = docs.render_document(session, CONFIG, "contact-sheet", today=TODAY)
    text = pdf_text(rendered.pdf)
    assert "兰州市人力资源和社会保障局" in text and "李明" in text and "2025年10月20日" in text
    with store.session() as session, pytest.raises(DocumentRequestError, match="联络表没有"):
        docs.save_contact_sheet_settings(session, {"fax": "0931"})


def test_documents_offered_for_each_status() -> None:
    assert docs.documents_for_status("registered") == ("registration-form", "commitment")
    assert docs.documents_for_status("deregistered") == (
        "registration-form",
        "deregistration-notice",
    )
    assert docs.documents_for_status(None) == ()
    assert tuple(docs.printable_documents("rejected")) == (
        "registration-form",
        *docs.LIST_DOCUMENTS,
    )


# --------------------------------------------------------------------------- recording


def test_printing_a_commitment_records_two_events(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor, steps=())
    with seeded_store.session() as session:
        rendered = docs.render_document(session, CONFIG, "commitment", person_id=recorded.person_id)
        docs.record_printed(session, actor, seeded_store.clock, rendered, "DengjiFile")
    kinds = [event.kind for event in events_of(seeded_store, recorded.registration_id)]
    assert kinds[-2:] == ["document.printed", "commitment.printed"]
    printed = events_of(seeded_store, recorded.registration_id)[-2]
    assert printed.payload["document"] == "commitment"
    assert printed.payload["template_version"] == rendered.template_version
    assert printed.payload["printer"] == "DengjiFile" and printed.clerk_id == "clerk01"
    with seeded_store.session(write=False) as session:
        registration = session.get(Registration, recorded.registration_id)
        assert registration is not None and registration.commitment_printed


def test_a_list_printed_for_a_person_is_recorded_on_their_registration(
    seeded_store: Store, actor: Actor
) -> None:
    recorded = apply(seeded_store, actor)
    with seeded_store.session() as session:
        rendered = docs.render_document(
            session, CONFIG, "service-list", person_id=recorded.person_id
        )
        docs.record_printed(session, actor, seeded_store.clock, rendered, "HP")
    last = events_of(seeded_store, recorded.registration_id)[-1]
    assert (last.kind, last.payload["document"]) == ("document.printed", "service-list")


def test_a_list_printed_from_the_lists_page_is_recorded_for_the_counter(
    seeded_store: Store, actor: Actor
) -> None:
    with seeded_store.session() as session:
        rendered = docs.render_document(session, CONFIG, "policy-list")
        (event,) = docs.record_printed(session, actor, seeded_store.clock, rendered, "HP")
    assert event.entity_type == "document"
    assert event.entity_id == docs.list_print_entity_id("620102-01", "policy-list")


def test_a_printed_document_without_registration_goes_on_the_person(
    seeded_store: Store, actor: Actor
) -> None:
    rendered = docs.RenderedDocument("policy-list", "就业创业政策清单", "1", b"%PDF")
    recorded = apply(seeded_store, actor, steps=())
    with seeded_store.session() as session:
        (event,) = docs.record_printed(
            session, actor, seeded_store.clock, rendered, "HP", person_id=recorded.person_id
        )
    assert (event.entity_type, event.entity_id) == ("person", recorded.person_id)


def test_a_scanned_letter_records_the_signature_once(seeded_store: Store, actor: Actor) -> None:
    recorded = apply(seeded_store, actor)
    with seeded_store.session() as session:
        signed = docs.record_commitment_signed(
            session, actor, seeded_store.clock, recorded.number, today=TODAY
        )
    assert signed.registration_id == recorded.registration_id
    assert (signed.person_id_number, signed.already_signed) == (recorded.id_number, False)
    with seeded_store.session() as session:
        again = docs.record_commitment_signed(session, actor, seeded_store.clock, recorded.number)
        registration = session.get(Registration, recorded.registration_id)
        assert registration is not None and registration.commitment_signed
    assert again.already_signed
    kinds = [event.kind for event in events_of(seeded_store, recorded.registration_id)]
    assert kinds.count("commitment.signed") == 1


def test_an_unknown_scanned_number_is_reported(seeded_store: Store, actor: Actor) -> None:
    with seeded_store.session() as session, pytest.raises(UnknownRegistrationNumberError) as e:
        docs.record_commitment_signed(session, actor, seeded_store.clock, "6201020012025099999")
    assert e.value.message.startswith("未找到登记编号 6201020012025099999")


def test_every_document_renders_for_the_demo_people(demo_store: Store) -> None:
    """Every person's and counter's document for 50 demo people in every state
    (demo.fill_demo_data); the monthly report is a region's (desktop/reports)."""
    with demo_store.session(write=False) as session:
        registrations = session.scalars(select(Registration)).all()
        statuses = {r.status for r in registrations}
        assert statuses == {"applied", "verified", "registered", "rejected", "deregistered"}
        made = set()
        for registration in registrations:
            for name in docs.documents_for_status(registration.status):
                try:
                    rendered = docs.render_document(
                        session, CONFIG, name, registration_id=registration.id
                    )
                except DocumentDataError as error:  # a notice §5 case without a notice
                    assert "无需告知本人" in error.message
                    continue
                assert rendered.pdf.startswith(b"%PDF")
                made.add(name)
        made.add(docs.render_document(session, CONFIG, "contact-sheet").name)
        made.update(docs.render_document(session, CONFIG, n).name for n in docs.LIST_DOCUMENTS)
    assert made == set(DOCUMENTS) - {"monthly-report"}
