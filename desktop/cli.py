"""The `dengji` command: the counter client by default, plus demo data, rules and support tools."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from desktop.domain.errors import DomainError


def _iso_date(text: str) -> date:
    """An ISO date from the command line, with a Chinese message when it is not one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，现为「{text}」") from None


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _cmd_gui(args: argparse.Namespace) -> int:
    from desktop.config import load_config
    from desktop.ui.app import run_gui

    config = load_config()
    return run_gui(config, store_path=args.db)


def _open_store_for_cli(db: Path | None):  # type: ignore[no-untyped-def]
    from desktop.config import load_config
    from desktop.store.db import open_store

    config = load_config()
    return config, open_store(db or config.database_path)


def _cmd_demo(args: argparse.Namespace) -> int:
    from desktop.config import load_config
    from desktop.services.demo import fill_demo_data

    if not load_config().demo and args.db is None:
        print(
            "当前配置为正式部署，不向其数据库写入演示数据；请用 --db 指定单独的数据库文件。",
            file=sys.stderr,
        )
        return 2
    config, store = _open_store_for_cli(args.db)
    try:
        from desktop.services.demo import DEMO_ACCOUNTS, ensure_demo_accounts

        if ensure_demo_accounts(store, config):
            accounts = "、".join(f"{a.display_name} {a.username}" for a in DEMO_ACCOUNTS)
            print(f"已建立演示账户（密码均为 {DEMO_ACCOUNTS[0].password}）：{accounts}")
        if args.if_empty and _person_count(store) > 0:
            print(f"数据库已有数据，未生成演示数据：{store.path}")
            return 0
        summary = fill_demo_data(
            store,
            config,
            persons=args.persons,
            seed=args.seed,
            progress=None if args.quiet else _progress,
        )
    finally:
        store.close()
    print(
        f"已生成演示数据：{summary.persons} 人，{summary.registrations} 条登记，"
        f"{summary.events} 条事件，用时 {summary.seconds:.1f} 秒 → {store.path}"
    )
    return 0


def _person_count(store) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from desktop.store.models import Person

    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def _progress(done: int, total: int) -> None:
    print(f"\r生成演示数据 {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


# The names of printing.documents.DOCUMENTS, spelled out so that building the parser (every
# start of the GUI) does not import reportlab; tests/desktop/test_cli_print.py keeps them equal.
PRINT_DOCUMENTS = (
    "registration-form",
    "commitment",
    "policy-list",
    "service-list",
    "agency-list",
    "deregistration-notice",
    "contact-sheet",
)


def _cmd_print(args: argparse.Namespace) -> int:
    from desktop.services import documents
    from desktop.services.reference_lists import seed_reference_lists

    if args.document not in PRINT_DOCUMENTS:
        print(
            f"错误：没有名为“{args.document}”的文书，可选：{'、'.join(PRINT_DOCUMENTS)}",
            file=sys.stderr,
        )
        return 2
    if args.person and args.registration:
        print("错误：--person 和 --registration 只能指定一个", file=sys.stderr)
        return 2
    if args.out is None:
        print("错误：请用 --out 指定输出的 PDF 文件", file=sys.stderr)
        return 2
    config, store = _open_store_for_cli(args.db)
    try:
        with store.session() as session:
            seed_reference_lists(session)  # a database never opened by the client has none yet
            person_id = registration_id = None
            if args.person:
                person_id = documents.find_person_by_id_number(session, args.person).id
            if args.registration:
                registration = documents.find_registration_by_number(session, args.registration)
                if registration is None:
                    print(f"错误：未找到登记编号 {args.registration.strip()}", file=sys.stderr)
                    return 2
                registration_id = registration.id
            rendered = documents.render_document(
                session,
                config,
                args.document,
                person_id=person_id,
                registration_id=registration_id,
            )
    finally:
        store.close()
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(rendered.pdf)
    except OSError as error:
        print(f"错误：无法写入 {args.out}：{error.strerror or error}", file=sys.stderr)
        return 2
    print(f"已生成《{rendered.title}》（模板版本 {rendered.template_version}）→ {args.out}")
    return 0


def _cmd_rules_id(args: argparse.Namespace) -> int:
    from desktop.domain.idnumbers import InvalidIdNumberError, parse_id_number

    try:
        doc = parse_id_number(args.number)
    except InvalidIdNumberError as exc:
        _print_json({"valid": False, "number": args.number.strip(), "error": exc.message})
        return 1
    _print_json(
        {
            "valid": True,
            "number": doc.number,
            "document_type": doc.doc_type.name,
            "document_type_label": doc.doc_type.value,
            "region": doc.region_code,
            "region_name": doc.region_name,
            "birth_date": doc.birth_date.isoformat() if doc.birth_date else None,
            "sex": {"1": "M", "2": "F"}.get(doc.sex or ""),
            "converted_from": doc.converted_from,
        }
    )
    return 0


def _cmd_rules_deadline(args: argparse.Namespace) -> int:
    from desktop.config import load_config
    from desktop.domain.workdays import registration_deadline

    calendar = _calendar_from_store(args.db)
    days = args.days if args.days is not None else load_config().registration_working_days
    deadline = registration_deadline(
        args.accepted, working_days=days, calendar=calendar, region_code=args.region
    )
    _print_json(
        {
            "accepted": args.accepted.isoformat(),
            "working_days": deadline.working_days,
            "due": deadline.due.isoformat(),
            "provisional": deadline.provisional,
            "region": args.region,
        }
    )
    return 0


def _calendar_from_store(db: Path | None):  # type: ignore[no-untyped-def]
    """The working-day calendar with the administrator's holiday table, when a database exists."""
    from desktop.config import load_config
    from desktop.domain.workdays import WorkdayCalendar

    path = db or load_config().database_path
    if not path.exists():
        return WorkdayCalendar()
    from desktop.services.calendar import load_calendar
    from desktop.store.db import open_store

    store = open_store(path)
    try:
        with store.session() as session:
            return load_calendar(session)
    finally:
        store.close()


def _cmd_rules_retirement(args: argparse.Namespace) -> int:
    from desktop.domain.retirement import (
        RetirementCategory,
        retirement_age_months,
        statutory_retirement_date,
    )

    if args.sex == "M":
        category = RetirementCategory.MALE
    elif args.category == "cadre":
        category = RetirementCategory.FEMALE_CADRE
    else:
        category = RetirementCategory.FEMALE_WORKER
    months = retirement_age_months(args.birth, category)
    _print_json(
        {
            "birth_date": args.birth.isoformat(),
            "sex": args.sex,
            "category": category.name,
            "category_label": category.value,
            "date": statutory_retirement_date(args.birth, category).isoformat(),
            "age": f"{months // 12}岁{months % 12}个月" if months % 12 else f"{months // 12}岁",
        }
    )
    return 0


def _cmd_central_init(args: argparse.Namespace) -> int:
    from desktop.sync.central import init_central

    info = init_central(args.url)
    print(
        f"中心数据库已就绪：{info.where}（结构版本 {info.revision}，"
        f"窗口角色组 {info.counter_group}，行级安全已启用）"
    )
    return 0


def _cmd_central_add_counter(args: argparse.Namespace) -> int:
    from desktop.config import config_path
    from desktop.sync.central import add_counter, write_counter_config
    from desktop.sync.connection import parse_central_url
    from desktop.sync.credentials import CredentialStore, credential_account

    account = add_counter(args.url, region_code=args.region, name=args.name, agency_id=args.agency)
    path = args.config or config_path()
    write_counter_config(path, account, database_path=args.database)
    stored = CredentialStore().save(
        credential_account(parse_central_url(account.url)), account.password
    )
    print(f"已开通窗口 {account.counter_id}（{account.name}，数据库角色 {account.role_name}）")
    print(f"配置文件：{path}")
    print(f"密码已保存到{stored.describe()}")
    return 0


def _cmd_central_add_account(args: argparse.Namespace) -> int:
    import getpass

    from desktop.domain.roles import parse_roles
    from desktop.services.accounts import prepare_central_account
    from desktop.sync.central import add_staff_account

    roles = parse_roles(value for text in args.role for value in text.split(",") if value)
    # The initial password is typed here (by the clerk, ideally), never given on the command
    # line, where the shell history and the process list would keep it.
    password = getpass.getpass("初始密码：")
    if getpass.getpass("再次输入初始密码：") != password:
        print("错误：两次输入的密码不一致", file=sys.stderr)
        return 2
    fields = prepare_central_account(
        username=args.username,
        display_name=args.name,
        password=password,
        roles=roles,
        agency_id=args.agency,
    )
    account = add_staff_account(
        args.url,
        region_code=args.region,
        username=fields.username,
        display_name=fields.display_name,
        password_hash=fields.password_hash,
        roles=fields.roles,
        agency_id=fields.agency_id,
    )
    where = f"{account.region_code}" + (f" 的机构 {account.agency_id}" if account.agency_id else "")
    print(f"已开通人员账户 {account.username}（{account.display_name}）")
    print(f"{where} 的窗口下次同步后即可用此账户登录")
    return 0


def _cmd_central_set_account(args: argparse.Namespace) -> int:
    """Disable, enable or reset the password of a central staff account."""
    from desktop.sync.central import reset_staff_password, set_staff_account_active

    if args.action == "reset-password":
        import getpass

        from desktop.services.accounts import prepare_central_password

        password = getpass.getpass("新密码：")
        if getpass.getpass("再次输入新密码：") != password:
            print("错误：两次输入的密码不一致", file=sys.stderr)
            return 2
        reset_staff_password(
            args.url, args.username, prepare_central_password(args.username, password)
        )
        print(f"已重置 {args.username} 的密码；各窗口下次同步后生效（并解除锁定）")
        return 0
    set_staff_account_active(args.url, args.username, active=args.action == "enable-account")
    state = "启用" if args.action == "enable-account" else "停用"
    print(f"已{state}人员账户 {args.username}；各窗口下次同步后生效")
    return 0


def _cmd_xref_import(args: argparse.Namespace) -> int:
    from desktop.services.verification import SOURCES, import_xref

    if args.source not in SOURCES:
        names = "、".join(f"{code}（{source.label}）" for code, source in SOURCES.items())
        print(f"错误：没有名为“{args.source}”的比对数据来源，可选：{names}", file=sys.stderr)
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"错误：无法读取 {args.file}：{error.strerror or error}", file=sys.stderr)
        return 2
    config, store = _open_store_for_cli(args.db)
    try:
        with store.session() as session:
            result = import_xref(
                session,
                args.source,
                data,
                file_name=args.file.name,
                imported_by=config.counter_id,
                as_of=args.as_of,
            )
    finally:
        store.close()
    print(
        f"已导入《{SOURCES[args.source].label}》{result.rows} 条"
        f"（替换原有 {result.replaced} 条）← {args.file}"
    )
    return 0


def _cmd_accounts_list(args: argparse.Namespace) -> int:
    from desktop.domain.roles import parse_roles, role_names
    from desktop.services.accounts import list_accounts

    _config, store = _open_store_for_cli(args.db)
    try:
        with store.session(write=False) as session:
            rows = [
                {
                    "username": account.username,
                    "display_name": account.display_name,
                    "roles": role_names(parse_roles(account.roles)),
                    "agency": account.agency_id,
                    "active": account.active,
                    "must_change_password": account.must_change_password,
                    "locked_until": account.locked_until,
                }
                for account in list_accounts(session)
            ]
    finally:
        store.close()
    _print_json(rows)
    return 0


def _cmd_accounts_create_admin(args: argparse.Namespace) -> int:
    from desktop.services.accounts import create_first_administrator

    config, store = _open_store_for_cli(args.db)
    try:
        with store.session() as session:
            initial = create_first_administrator(
                session,
                store.clock,
                counter_id=config.counter_id,
                username=args.username,
                display_name=args.name,
            )
    finally:
        store.close()
    print(f"已创建管理员 {args.username.strip()}，一次性初始密码：{initial}")
    print("首次登录时须修改密码。")
    return 0


def _cmd_accounts_reset_password(args: argparse.Namespace) -> int:
    from desktop.services.accounts import reset_password_from_console

    config, store = _open_store_for_cli(args.db)
    try:
        with store.session() as session:
            initial = reset_password_from_console(
                session, store.clock, args.username, counter_id=config.counter_id
            )
    finally:
        store.close()
    print(f"已重置 {args.username.strip()} 的密码并解除锁定，一次性密码：{initial}")
    print("下次登录时须修改密码。")
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from desktop.sync.errors import SyncError
    from desktop.sync.worker import SyncWorker

    config, store = _open_store_for_cli(args.db)
    try:
        worker = SyncWorker.from_config(store, config)
        try:
            report = worker.sync_once()
        except SyncError as exc:
            print(f"同步失败：{exc.message}", file=sys.stderr)
            return 1
        finally:
            worker.close()
    finally:
        store.close()
    print(
        f"同步完成：上传 {report.pushed} 条，下载 {report.pulled} 条，"
        f"仍待上传 {report.events_waiting} 条，用时 {report.seconds:.1f} 秒"
    )
    if report.reference_tables:
        print(f"已更新参考数据：{'、'.join(report.reference_tables)}")
    if report.quarantined:
        print(f"注意：中心数据库有 {report.quarantined} 条格式不正确的事件未下载，请联系管理员")
    return 0


# --------------------------------------------------------------------------- report (issue 9)


def _report_scheme(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from desktop.reports.period import PeriodScheme

    return PeriodScheme.DAY_21 if args.day_21 else PeriodScheme.CALENDAR


def _central_report(args: argparse.Namespace, config):  # type: ignore[no-untyped-def]
    from desktop.reports.central import central_monthly_report
    from desktop.sync.connection import connect, parse_central_url
    from desktop.sync.credentials import CredentialStore, credential_account
    from desktop.sync.errors import CentralConfigError

    url = args.central_url or config.central_url
    if not url:
        raise CentralConfigError(
            "未配置中心数据库地址：请用 --central-url 指定或在配置文件 [central] url 中填写"
        )
    address = parse_central_url(url)
    password = address.password or CredentialStore().load(credential_account(address))
    connection = connect(address, password, application_name="dengji-report")
    try:
        return central_monthly_report(
            connection, args.month, args.region or "620000", scheme=_report_scheme(args)
        )
    finally:
        connection.close()


def _cmd_report_monthly(args: argparse.Namespace) -> int:
    from desktop.config import load_config
    from desktop.reports.export import report_pdf, report_xlsx
    from desktop.reports.monthly import monthly_report

    if args.format != "json" and args.out is None:
        print(f"错误：--format {args.format} 须用 --out 指定输出文件", file=sys.stderr)
        return 2
    if args.central:
        config = load_config()
        report = _central_report(args, config)
    else:
        config, store = _open_store_for_cli(args.db)
        try:
            with store.session(write=False) as session:
                report = monthly_report(
                    session,
                    args.month,
                    args.region or config.region_code,
                    scheme=_report_scheme(args),
                )
        finally:
            store.close()
    if args.format == "json":
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
        if args.out is None:
            print(text)
            return 0
        args.out.write_text(text + "\n", encoding="utf-8")
    elif args.format == "xlsx":
        args.out.write_bytes(report_xlsx(report))
    else:
        args.out.write_bytes(report_pdf(report, issuer=config.counter_name))
    print(f"已生成{report.region_name}{report.period.label}月报（{args.format}）：{args.out}")
    return 0


def _cmd_report_check(args: argparse.Namespace) -> int:
    from desktop.reports.consistency import check_consistency

    config, store = _open_store_for_cli(args.db)
    try:
        with store.session(write=False) as session:
            check = check_consistency(
                session, args.month, args.region or config.region_code, scheme=_report_scheme(args)
            )
    finally:
        store.close()
    if args.json:
        _print_json(check.to_json())
    else:
        print(check.summary())
        for difference in check.differences:
            who = " ".join(
                part
                for part in (
                    difference.registration_number,
                    difference.person_name,
                    difference.id_number_masked,
                )
                if part
            )
            print(f"- {who}：{difference.reason}" if who else f"- {difference.reason}")
    return 0 if check.consistent else 1


def _add_report_subparser(sub) -> None:  # type: ignore[no-untyped-def]
    report = sub.add_parser("report", help="统计报表：城镇登记失业人员月报、三统一校验")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    monthly = report_sub.add_parser("monthly", help="城镇登记失业人员月报")
    check = report_sub.add_parser("check", help="三统一校验（台账、系统数据、统计报表）")
    for each in (monthly, check):
        each.add_argument("--month", required=True, metavar="YYYY-MM", help="统计月份")
        each.add_argument(
            "--region", default=None, metavar="CODE", help="行政区划代码（默认本窗口）"
        )
        each.add_argument(
            "--day-21", action="store_true", help="统计期为上月21日至本月20日（默认自然月）"
        )
        each.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    monthly.add_argument("--central", action="store_true", help="在中心数据库统计（市州或全省）")
    monthly.add_argument("--central-url", default=None, help="中心数据库地址（默认取配置）")
    monthly.add_argument("--format", choices=["json", "pdf", "xlsx"], default="json")
    monthly.add_argument("--out", type=Path, default=None, metavar="FILE")
    monthly.set_defaults(func=_cmd_report_monthly)
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(func=_cmd_report_check)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dengji", description="失业登记窗口客户端（甘人社通〔2020〕111号）"
    )
    parser.add_argument("--db", type=Path, default=None, help="本地数据库文件（默认取配置）")
    parser.set_defaults(func=_cmd_gui)
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="生成演示数据（经与窗口相同的事件流程）")
    demo.add_argument("--persons", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=2020111)
    demo.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    demo.add_argument("--if-empty", action="store_true", help="数据库已有人员时不生成")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=_cmd_demo)

    print_cmd = sub.add_parser("print", help="生成文书 PDF（批量打印、技术支持）")
    print_cmd.add_argument("document", metavar="DOCUMENT", help="、".join(PRINT_DOCUMENTS))
    print_cmd.add_argument("--person", metavar="ID_NUMBER", help="人员的证件号码")
    print_cmd.add_argument("--registration", metavar="NO", help="登记编号")
    print_cmd.add_argument("--out", type=Path, metavar="FILE.pdf", help="输出的 PDF 文件")
    print_cmd.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    print_cmd.set_defaults(func=_cmd_print)

    central = sub.add_parser("central", help="中心数据库管理（管理员）")
    central_sub = central.add_subparsers(dest="central_command", required=True)
    c_init = central_sub.add_parser("init", help="建立或升级中心数据库（结构、行级安全、角色）")
    c_init.add_argument("--url", required=True, help="管理员连接地址 postgresql://…")
    c_init.set_defaults(func=_cmd_central_init)
    c_add = central_sub.add_parser("add-counter", help="开通窗口账号并写入本机配置文件")
    c_add.add_argument("--url", required=True, help="管理员连接地址 postgresql://…")
    c_add.add_argument("--region", required=True, metavar="CODE", help="6位行政区划代码")
    c_add.add_argument("--name", required=True, help="窗口名称")
    c_add.add_argument("--agency", default=None, metavar="ID", help="受委托的残疾人就业服务机构")
    c_add.add_argument("--config", type=Path, default=None, help="配置文件（默认 DENGJI_CONFIG）")
    c_add.add_argument("--database", type=Path, default=None, help="本窗口的本地数据库文件")
    c_add.set_defaults(func=_cmd_central_add_counter)
    c_account = central_sub.add_parser(
        "add-account", help="开通本县（区）各窗口通用的人员账户（提示输入初始密码）"
    )
    c_account.add_argument("--url", required=True, help="管理员连接地址 postgresql://…")
    c_account.add_argument("--region", required=True, metavar="CODE", help="6位行政区划代码")
    c_account.add_argument("--username", required=True, help="登录用户名（全省唯一）")
    c_account.add_argument("--name", required=True, help="姓名")
    c_account.add_argument(
        "--role",
        required=True,
        action="append",
        metavar="ROLE",
        help="角色：clerk、reviewer、disability_agency、statistician、admin（可重复或用逗号分隔）",
    )
    c_account.add_argument("--agency", default=None, metavar="ID", help="残疾人就业服务机构编号")
    c_account.set_defaults(func=_cmd_central_add_account)
    for action, text in (
        ("disable-account", "停用人员账户（离职、调岗）"),
        ("enable-account", "重新启用人员账户"),
        ("reset-password", "重置人员账户密码（提示输入新密码）"),
    ):
        c_set = central_sub.add_parser(action, help=text)
        c_set.add_argument("--url", required=True, help="管理员连接地址 postgresql://…")
        c_set.add_argument("username", help="登录用户名")
        c_set.set_defaults(func=_cmd_central_set_account, action=action)

    accounts = sub.add_parser("accounts", help="本机账户（须以数据目录所属的系统账户运行）")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", required=True)
    a_list = accounts_sub.add_parser("list", help="列出账户及其角色、锁定状态")
    a_list.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    a_list.set_defaults(func=_cmd_accounts_list)
    a_admin = accounts_sub.add_parser(
        "create-admin", help="正式部署首次使用：创建管理员（一次性密码，首次登录须修改）"
    )
    a_admin.add_argument("--username", default="admin")
    a_admin.add_argument("--name", default="系统管理员", help="姓名")
    a_admin.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    a_admin.set_defaults(func=_cmd_accounts_create_admin)
    a_reset = accounts_sub.add_parser(
        "reset-password", help="忘记密码：生成一次性密码并解除锁定（下次登录须修改）"
    )
    a_reset.add_argument("username")
    a_reset.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    a_reset.set_defaults(func=_cmd_accounts_reset_password)

    sync = sub.add_parser("sync", help="与中心数据库同步一次（上传后下载）")
    sync.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    sync.set_defaults(func=_cmd_sync)

    xref = sub.add_parser("xref", help="数据比对表（公安、工商、社保等部门数据）")
    xref_sub = xref.add_subparsers(dest="xref_command", required=True)
    x_import = xref_sub.add_parser("import", help="导入一个部门的数据文件（替换该来源原有数据）")
    x_import.add_argument(
        "source",
        metavar="SOURCE",
        help="ssc_holders、public_security、market、social_insurance、employment_filing、pension",
    )
    x_import.add_argument(
        "file", type=Path, metavar="FILE.csv", help="CSV 文件（UTF-8 或 GB18030）"
    )
    x_import.add_argument("--as-of", type=_iso_date, default=None, help="数据截至日期 YYYY-MM-DD")
    x_import.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    x_import.set_defaults(func=_cmd_xref_import)

    rules = sub.add_parser("rules", help="直接查询业务规则（输出 JSON）")
    rules_sub = rules.add_subparsers(dest="rule", required=True)
    r_id = rules_sub.add_parser("id", help="校验证件号码")
    r_id.add_argument("number")
    r_id.set_defaults(func=_cmd_rules_id)
    r_dl = rules_sub.add_parser("deadline", help="办结期限（工作日）")
    r_dl.add_argument("accepted", type=_iso_date, metavar="ACCEPTED_DATE")
    r_dl.add_argument("--region", default=None, help="行政区划代码（民族地区假日）")
    r_dl.add_argument(
        "--days", type=int, default=None, help="工作日数（默认取配置：通知为7，79号文为3）"
    )
    r_dl.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    r_dl.set_defaults(func=_cmd_rules_deadline)
    r_rt = rules_sub.add_parser("retirement", help="法定退休日期（2025年渐进式延迟退休）")
    r_rt.add_argument("birth", type=_iso_date, metavar="BIRTH_DATE")
    r_rt.add_argument("sex", choices=["M", "F"])
    r_rt.add_argument("--category", choices=["worker", "cadre"], default="worker")
    r_rt.set_defaults(func=_cmd_rules_retirement)

    _add_report_subparser(sub)

    try:
        from devices.cli import add_card_subparser
    except ImportError:
        pass
    else:
        add_card_subparser(sub)
    return parser


def _counter_client_args(argv: list[str]) -> argparse.Namespace | None:
    """`dengji` or `dengji --db FILE`: the counter client's arguments, else None.

    A clerk's start skips building every subcommand's parser (the card, report and central
    commands import their modules to describe themselves: ≈50 ms of a ≈250 ms start)."""
    parser = argparse.ArgumentParser(prog="dengji", add_help=False, exit_on_error=False)
    parser.add_argument("--db", type=Path, default=None)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:  # e.g. --db without a file: the full parser says so
        return None
    return None if rest else args


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    args = _counter_client_args(arguments)
    if args is None:
        args = build_parser().parse_args(arguments)
        if not hasattr(args, "db"):
            args.db = None
    else:
        args.func = _cmd_gui
    try:
        return int(args.func(args))
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
