"""Every document: its content (computed apart from drawing) and the PDF it prints."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from printing.documents import (
    DOCUMENTS,
    agency_list,
    commitment,
    contact_sheet,
    deregistration_notice,
    policy_list,
    registration_form,
    service_list,
)
from printing.documents.deregistration_notice import DeregistrationReason
from printing.errors import DocumentDataError
from printing.reference_lists import PolicyRow
from tests.printing.pdf_tools import page_count, pdf_fonts, pdf_text


def compact(text: str) -> str:
    """pdftotext output without line breaks or spaces (a wrapped cell reads as one string)."""
    return "".join(text.split())


def test_the_cli_names() -> None:
    assert set(DOCUMENTS) == {
        "registration-form",
        "commitment",
        "policy-list",
        "service-list",
        "agency-list",
        "deregistration-notice",
        "contact-sheet",
        "monthly-report",
    }
    for module in DOCUMENTS.values():
        assert module.TEMPLATE_VERSION
        assert callable(module.build) and callable(module.example)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_prints_with_embedded_fonts(name: str) -> None:
    module = DOCUMENTS[name]
    pdf = module.build(module.example())
    assert pdf.startswith(b"%PDF")
    fonts = pdf_fonts(pdf)
    assert fonts and all(f.embedded and f.has_to_unicode for f in fonts), fonts
    pages = page_count(pdf)
    text = pdf_text(pdf)
    assert f"第 1 页 共 {pages} 页" in text
    assert module.TITLE in compact(text)
    assert f"v{module.TEMPLATE_VERSION}" in text


# -- 书面承诺书 ----------------------------------------------------------------------------


def test_commitment_names_the_person_document_and_registration() -> None:
    data = commitment.example()
    content = commitment.commitment_content(data)
    assert data.person_name in content.opening
    assert f"{data.id_document_type}号码：{data.id_number}" in content.opening
    assert data.registration_number in content.opening
    assert "2025年3月4日" in content.opening
    words = "".join(content.pledges)
    assert "真实、准确、完整" in words  # notice §3
    assert "纳入人社信用体系" in words and "虚假信息" in words  # notice §5
    assert content.barcode_value == data.registration_number
    text = compact(pdf_text(commitment.build(data)))
    for expected in (
        data.person_name,
        data.id_number,
        "承诺人（签字）",
        "纳入人社信用体系",
        "日期",
    ):
        assert expected in text
    assert page_count(commitment.build(data)) == 1


@pytest.mark.parametrize(
    "field", ["person_name", "id_number", "registration_number", "agency_name"]
)
def test_commitment_refuses_missing_facts(field: str) -> None:
    with pytest.raises(DocumentDataError, match="承诺书缺少"):
        commitment.build(replace(commitment.example(), **{field: "  "}))


def test_commitment_refuses_a_number_no_scanner_could_read() -> None:
    with pytest.raises(DocumentDataError, match="登记编号只能包含"):
        commitment.build(replace(commitment.example(), registration_number="６２０１"))


def test_a_delegated_agency_prints_under_delegation() -> None:
    data = replace(commitment.example(), delegation="兰州市城关区人力资源和社会保障局")
    assert "受委托：兰州市城关区人力资源和社会保障局" in pdf_text(commitment.build(data))


# -- 就业失业登记表 -------------------------------------------------------------------------

# domain.md §1.1, recommended field set (labels as printed)
FORM_LABELS = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "证件类型",
    "证件号码",
    "户口性质",
    "政治面貌",
    "文化程度",
    "婚姻状况",
    "健康状况",
    "伤残等级",
    "残疾类别",
    "残疾人证号",
    "职业资格技能等级",
    "专业技术职务",
    "联系电话",
    "户籍地址",
    "常住地址",
    "失业时间",
    "失业原因",
    "是否申领失业保险金",
    "就业困难人员类别",
    "登记失业地",
    "求职意向（职业工种）",
    "期望月薪",
    "期望工作地区",
    "就业形式",
    "培训意愿",
    "培训意向（工种）",
    "创业意愿",
    "其他需要说明的事项",
]


def test_registration_form_has_every_field() -> None:
    lines = registration_form.form_lines(registration_form.example())
    labels = [
        cell.label.replace("\n", "") for line in lines if isinstance(line, tuple) for cell in line
    ]
    assert labels == FORM_LABELS
    text = compact(pdf_text(registration_form.build(registration_form.example()), raw=True))
    for label in [*FORM_LABELS, "申请人签字", "经办人", "日期", "经办机构（盖章）", "申请人承诺"]:
        assert label in text, label
    for value in (
        "马晓燕",
        "620102198806150027",
        "兰州市城关区公共就业服务机构",
        "6201022025000123",
    ):
        assert value in text


def test_a_blank_form_prints_tick_boxes_on_one_page() -> None:
    pdf = registration_form.build(registration_form.RegistrationFormData())
    assert page_count(pdf) == 1
    assert compact(pdf_text(pdf)).count("□是□否") == 3
    assert page_count(registration_form.build(registration_form.example())) == 1


def test_yes_no_answers() -> None:
    assert registration_form.yes_no(True) == "是"
    assert registration_form.yes_no(False) == "否"
    assert registration_form.yes_no(None) == registration_form.YES_NO_BLANK


# -- 清单 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "columns"),
    [
        (policy_list, ("政策名称", "享受对象", "政策内容", "申请条件", "受理机构")),
        (service_list, ("服务项目", "服务对象", "服务内容")),
        (agency_list, ("机构名称", "办公地址", "联系电话", "经办项目")),
    ],
)
def test_lists_have_exactly_the_notice_columns(module: object, columns: tuple[str, ...]) -> None:
    assert columns == module.COLUMNS  # type: ignore[attr-defined]
    data = module.example()  # type: ignore[attr-defined]
    rows = module.rows(data)  # type: ignore[attr-defined]
    assert rows and all(len(row) == len(columns) for row in rows)
    text = compact(pdf_text(module.build(data)))  # type: ignore[attr-defined]
    for column in columns:
        assert column in text
    assert compact(rows[0][0]) in text
    assert "兰州市城关区公共就业服务机构" in text


@pytest.mark.parametrize("module", [policy_list, service_list, agency_list])
def test_an_empty_list_is_refused(module: object) -> None:
    data = module.example()  # type: ignore[attr-defined]
    field = {policy_list: "policies", service_list: "services", agency_list: "agencies"}[module]  # type: ignore[index]
    with pytest.raises(DocumentDataError, match="清单为空"):
        module.build(replace(data, **{field: []}))  # type: ignore[attr-defined]


def test_a_200_row_policy_list_repeats_its_header_on_every_page() -> None:
    rows = [
        PolicyRow(
            f"政策{i:03d}",
            "登记失业人员",
            "补贴标准以当地公布为准。" * 3,
            "符合条件",
            "县（区）公共就业服务机构",
        )
        for i in range(200)
    ]
    pdf = policy_list.build(policy_list.PolicyListData(rows, "测试机构", date(2025, 3, 4)))
    pages = page_count(pdf)
    assert pages >= 2
    seen = []
    for page in range(1, pages + 1):
        text = pdf_text(pdf, page)
        assert f"第 {page} 页 共 {pages} 页" in text
        for column in policy_list.COLUMNS:
            assert column in text, (page, column)
        seen += [line for line in text.split() if line.startswith("政策") and line[2:].isdigit()]
    assert seen == [f"政策{i:03d}" for i in range(200)]  # every row once, in order


def test_list_cells_are_set_in_the_list_face_and_letters_in_the_body_face() -> None:
    from printing.fonts import register_fonts

    face = register_fonts().choice.list_cells.family.replace(" ", "")
    list_fonts = [f.name for f in pdf_fonts(policy_list.build(policy_list.example()))]
    assert any(face in name for name in list_fonts), list_fonts
    letter_fonts = [f.name for f in pdf_fonts(commitment.build(commitment.example()))]
    assert not any(face in name for name in letter_fonts) or face in str(
        register_fonts().choice.body.family.replace(" ", "")
    ), letter_fonts


# -- 注销告知书 ---------------------------------------------------------------------------------


def test_deregistration_notice_quotes_the_notice() -> None:
    data = deregistration_notice.example()
    content = deregistration_notice.notice_content(data)
    body = content.paragraphs[0]
    assert "第五条（一）“超出登记年龄”所列“已依法享受基本养老保险待遇的”情形" in body
    assert "甘人社通〔2020〕111号" in body
    assert "自2025年9月1日起注销" in body
    assert content.salutation == "马晓燕（证件号码：620102********0027）："
    text = compact(pdf_text(deregistration_notice.build(data)))
    for expected in (
        "已依法享受基本养老保险待遇",
        "2025年9月2日",
        "兰州市城关区公共就业服务机构（盖章）",
        "签收人",
    ):
        assert expected in text


@pytest.mark.parametrize(
    "reason",
    [
        DeregistrationReason.EMIGRATED,
        DeregistrationReason.IMPRISONED,
        DeregistrationReason.DECEASED,
        DeregistrationReason.UNREACHABLE,
    ],
)
def test_no_notice_where_the_notice_exempts_telling(reason: DeregistrationReason) -> None:
    # notice §5: 以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法取得联系的除外）
    assert not reason.person_is_notified
    with pytest.raises(DocumentDataError, match="无需告知本人"):
        deregistration_notice.build(replace(deregistration_notice.example(), reason=reason))


def test_every_other_reason_prints_its_own_wording() -> None:
    for reason in DeregistrationReason:
        if not reason.person_is_notified:
            continue
        data = replace(
            deregistration_notice.example(), reason=reason, other_reason_detail="经省厅确定"
        )
        assert reason.wording in deregistration_notice.notice_content(data).paragraphs[0]
    assert "月收入不低于当地最低生活保障标准" in DeregistrationReason.STABLE_INCOME.wording


def test_other_reason_needs_its_detail() -> None:
    data = replace(deregistration_notice.example(), reason=DeregistrationReason.OTHER)
    with pytest.raises(DocumentDataError, match="请写明具体情形"):
        deregistration_notice.notice_content(data)


# -- 联络表 -----------------------------------------------------------------------------------


def test_contact_sheet_follows_attachment_2() -> None:
    blank = contact_sheet.sheet_content(contact_sheet.ContactSheetData())
    assert blank.authority_line.endswith("市（州）人力资源和社会保障局")
    assert blank.filled_on_line.startswith("填报时间：")
    assert [row[0] for row in blank.rows] == [
        "业务部门",
        "",
        "负责人",
        "联系人",
        "技术部门",
        "",
        "负责人",
        "联系人",
    ]
    assert blank.rows[1] == ("", "姓名", "单位", "职务", "联系电话")
    data = contact_sheet.ContactSheetData(
        city="临夏回族自治州",
        filled_on=date(2020, 4, 7),
        business_head=contact_sheet.ContactPerson("张华", "就业服务中心", "主任", "0930-0000000"),
    )
    text = compact(pdf_text(contact_sheet.build(data)))
    for expected in (
        "附件2",
        "临夏回族自治州人力资源和社会保障局",
        "填报时间：2020年4月7日",
        "张华",
        "0930-0000000",
        "技术部门",
    ):
        assert expected in text
    other = contact_sheet.ContactSheetData(authority="兰州新区民政司法和社会保障局")
    assert contact_sheet.authority_line(other) == "兰州新区民政司法和社会保障局"
