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

    try:
        from devices.cli import add_card_subparser
    except ImportError:
        pass
    else:
        add_card_subparser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    try:
        return int(args.func(args))
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
