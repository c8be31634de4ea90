"""Realistic demo data for a Gansu county counter, made through the same use cases a clerk uses."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.config import DEMO_REGION, Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.regions import counties, is_address_code_valid, prefectures, region_name
from desktop.domain.roles import DELEGABLE_PERMISSIONS, Delegation, Role
from desktop.services import registration as reg
from desktop.services.accounts import DemoAccount
from desktop.services.calendar import load_calendar
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Person

# The demo accounts (desktop/services/accounts.py), shown with their password on the login page
# in demo mode so a newcomer gets in at once; `dengji demo` creates them. One per role.
DEMO_PASSWORD = "demo-2025"
DEMO_AGENCY_ID = "demo-canlian-620102"
DEMO_ACCOUNTS = (
    DemoAccount("zhangli", "张丽", DEMO_PASSWORD, (Role.CLERK,)),
    DemoAccount("majianjun", "马建军", DEMO_PASSWORD, (Role.CLERK,)),
    DemoAccount("wanghaiyan", "王海燕", DEMO_PASSWORD, (Role.REVIEWER,)),
    DemoAccount("lina", "李娜", DEMO_PASSWORD, (Role.DISABILITY_AGENCY,), agency_id=DEMO_AGENCY_ID),
    DemoAccount("zhaomin", "赵敏", DEMO_PASSWORD, (Role.STATISTICIAN,)),
    DemoAccount("liujianhua", "刘建华", DEMO_PASSWORD, (Role.ADMIN,)),
)
_DEMO_AGENCY_NAME = "城关区残疾人就业服务中心"
_DEMO_ENTRUSTING_DEPARTMENT = "兰州市城关区人力资源和社会保障局"


def demo_delegation(today: date) -> Delegation:
    """The demo agency's delegation, in force from well before the oldest demo application
    (720 days back) until a year from `today`."""
    return Delegation(
        entrusting_department=_DEMO_ENTRUSTING_DEPARTMENT,
        agency=DEMO_AGENCY_ID,
        scope=DELEGABLE_PERMISSIONS,
        valid_from=today - timedelta(days=800),
        valid_until=today + timedelta(days=365),
        agency_name=_DEMO_AGENCY_NAME,
        region_code=DEMO_REGION,
        reference="城人社发〔2023〕16号",
    )


def ensure_demo_accounts(store: Store, config: Config, *, today: date | None = None) -> int:
    """Create the demo accounts and the demo agency's delegation where missing (demo only:
    the passwords are public); how many accounts were made."""
    from desktop.services.accounts import current_delegation, ensure_accounts, record_delegation

    today = today or date.today()
    with store.session() as session:
        made = ensure_accounts(session, store.clock, DEMO_ACCOUNTS, counter_id=config.counter_id)
        if current_delegation(session, DEMO_AGENCY_ID, today) is None:
            delegation = demo_delegation(today)
            record_delegation(
                session,
                Actor("system", config.counter_id, roles=frozenset({Role.ADMIN})),
                store.clock,
                agency_id=delegation.agency,
                agency_name=delegation.agency_name,
                entrusting_department=delegation.entrusting_department,
                region_code=config.region_code,
                scope=delegation.scope,
                valid_from=delegation.valid_from,
                valid_until=delegation.valid_until,
                reference=delegation.reference,
            )
    return made


def _demo_actor(account: DemoAccount, counter_id: str, today: date) -> Actor:
    return Actor(
        clerk_id=account.username,
        counter_id=counter_id,
        roles=frozenset(account.roles),
        agency_id=account.agency_id,
        delegation=demo_delegation(today) if account.agency_id else None,
        display_name=account.display_name,
    )


_SURNAMES = (
    "王李张刘陈杨赵马何魏牛苏石郭朱孙周吴徐胡高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
    "余杜叶程汪吕丁任沈姚卢姜崔钟谭陆汤范金邵雷贾白孔康毛邱秦江史顾侯薛闫段包安"
)
# Gansu has many 马, 王, 李, 张 families; weight the commonest surnames up.
_SURNAME_WEIGHTS = [
    8 if s in "王李张马刘杨" else 3 if s in "陈赵何魏牛苏石郭" else 1 for s in _SURNAMES
]
_SURNAME_CUMULATIVE = list(itertools.accumulate(_SURNAME_WEIGHTS))
_MALE_GIVEN = "伟强军勇杰涛明超斌鹏辉刚平磊峰建国华亮成龙浩宇晨阳天文博海林志宏俊飞鑫东兴福"
_FEMALE_GIVEN = "丽娟芳霞敏静燕艳玲红梅琴英慧婷雪萍花兰秀凤洁莉娜蓉瑶佳欣怡晶倩璐悦月"
_TIBETAN_NAMES = ("扎西", "卓玛", "才让", "拉毛", "多杰", "央金", "尕藏", "桑吉", "德吉", "旦正")
_STREETS_620102 = (
    "张掖路街道",
    "酒泉路街道",
    "白银路街道",
    "皋兰路街道",
    "广武门街道",
    "伏龙坪街道",
    "靖远路街道",
    "草场街街道",
    "火车站街道",
    "拱星墩街道",
    "东岗街道",
    "团结新村街道",
    "渭源路街道",
    "盐场路街道",
    "嘉峪关路街道",
    "焦家湾街道",
    "铁路东村街道",
    "五泉街道",
    "雁南街道",
    "雁北街道",
    "青白石街道",
    "东岗西路街道",
)
_COMMUNITY = ("东", "西", "南", "北", "新", "和平", "幸福", "团结", "建设", "民主", "友谊", "金城")
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "177",
    "180",
    "181",
    "185",
    "186",
    "187",
    "189",
    "199",
)
# 失业原因 codes of domain.md §1.3(a) and how often they come to the counter.
_CAUSES = (
    ("01", 20),
    ("02", 38),
    ("03", 7),
    ("04", 10),
    ("05", 6),
    ("06", 2),
    ("07", 1),
    ("08", 1),
    ("09", 10),
    ("99", 5),
)
_EDUCATION = (
    ("21", 14),
    ("31", 20),
    ("41", 8),
    ("44", 4),
    ("47", 6),
    ("61", 20),
    ("71", 22),
    ("81", 5),
    ("14", 1),
)
_ETHNICITY = (("01", 86), ("03", 9), ("26", 2), ("04", 2), ("35", 1))
# 注销原因 codes (deregistration_reason table, notice §5) and how often each ends a registration.
_DEREG = (
    ("21", 40),
    ("22", 15),
    ("23", 10),
    ("11", 6),
    ("31", 4),
    ("32", 1),
    ("33", 1),
    ("34", 2),
    ("35", 1),
    ("36", 1),
    ("37", 4),
    ("38", 15),
)


@dataclass(frozen=True)
class DemoSummary:
    persons: int
    registrations: int
    events: int
    seconds: float


_CUMULATIVE: dict[int, tuple[list[str], list[int]]] = {}


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    # Cumulative weights made once per table: choices() draws exactly as with the weights.
    codes_and_sums = _CUMULATIVE.get(id(table))
    if codes_and_sums is None:
        codes_and_sums = _CUMULATIVE[id(table)] = (
            [code for code, _ in table],
            list(itertools.accumulate(weight for _, weight in table)),
        )
    codes, sums = codes_and_sums
    return rng.choices(codes, cum_weights=sums)[0]


class _PersonFactory:
    """Makes realistic people of one county: valid ID numbers, names, addresses, phones."""

    def __init__(
        self, rng: random.Random, county: str, today: date, used_numbers: set[str] | None = None
    ) -> None:
        self.rng = rng
        self.county = county
        self.today = today
        # Every county code Gansu has had, retired ones included: people keep their numbers.
        self.birth_regions = [
            c.code
            for p in prefectures(include_retired=True)
            for c in counties(p.code, include_retired=True)
        ]
        # Numbers already in the database too: a second demo run must not make a person twice.
        self.used_numbers: set[str] = set(used_numbers or ())
        self.place = region_name(county) or "甘肃省"

    def id_number(self, birth: date, sex: str, household_region: str) -> str:
        rng = self.rng
        for _ in range(200):
            # Most people of this county were born here; others came from elsewhere in Gansu,
            # many with numbers from the retired prefecture codes (6221xx–6228xx).
            region = household_region if rng.random() < 0.7 else rng.choice(self.birth_regions)
            if not is_address_code_valid(region, birth):
                continue
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "1" else 0)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            number = body + check_digit(body)
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number
        raise RuntimeError("demo: could not make a unique ID number")

    def name(self, sex: str, ethnicity: str) -> str:
        rng = self.rng
        if ethnicity == "04":
            return rng.choice(_TIBETAN_NAMES) + rng.choice(("", "加", "措", "吉"))
        surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]
        pool = _MALE_GIVEN if sex == "1" else _FEMALE_GIVEN
        return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))

    def phone(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def address(self) -> str:
        rng = self.rng
        return (
            f"{self.place}{rng.choice(_STREETS_620102)}{rng.choice(_COMMUNITY)}社区"
            f"{rng.randrange(1, 200)}号{rng.randrange(1, 30)}单元{rng.randrange(101, 2600)}室"
        )

    def details(self, applied_on: date) -> reg.PersonDetails:
        rng = self.rng
        sex = rng.choice(("1", "2"))
        age_days = rng.randrange(16 * 366, 58 * 365 if sex == "1" else 52 * 365)
        birth = applied_on - timedelta(days=age_days)
        ethnicity = _weighted(rng, _ETHNICITY)
        urban = rng.random() < 0.85
        health = "1" if rng.random() < 0.9 else rng.choice(("2", "3", "6"))
        return reg.PersonDetails(
            id_number=self.id_number(birth, sex, self.county),
            name=self.name(sex, ethnicity),
            phone=self.phone(),
            household_region=self.county,
            residence_region=self.county,
            residence_urban=urban,
            sex=sex,
            birth_date=birth,
            ethnicity=ethnicity,
            household_address=self.address(),
            residence_address=self.address(),
            hukou_type="10" if urban else "20",
            education=_weighted(rng, _EDUCATION),
            health=health,
            disability_category="肢体" if health == "6" else None,
            disability_grade="四级" if health == "6" else None,
            political_status=rng.choice(("13", "13", "13", "03", "01")),
            marital_status=rng.choice(("10", "20", "20", "40")),
        )


def _persons_in_store(store: Store) -> int:
    with store.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def fill_demo_data(
    store: Store,
    config: Config,
    *,
    persons: int,
    seed: int = 2020111,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 1000,
) -> DemoSummary:
    """Register `persons` demo people through the registration use cases, in every state."""
    started = time.perf_counter()
    today = today or date.today()
    rng = random.Random(seed + _persons_in_store(store))
    with store.session(write=False) as session:
        calendar = load_calendar(session)
        used_numbers = set(session.connection().execute(select(Person.id_number)).scalars())
        events_before = int(session.scalar(select(func.count()).select_from(Event)) or 0)
    contexts = {
        account.username: reg.CounterContext(
            actor=_demo_actor(account, config.counter_id, today),
            clock=store.clock,
            region_code=config.region_code,
            counter_number=config.counter_number,
            calendar=calendar,
        )
        for account in DEMO_ACCOUNTS
    }
    clerk_ctx, reviewer_ctx = contexts["zhangli"], contexts["wanghaiyan"]
    agency_ctx = contexts["lina"]
    factory = _PersonFactory(rng, config.region_code, today, used_numbers)
    made = 0
    registrations = 0
    while made < persons:
        with store.session() as session:
            for _ in range(min(batch, persons - made)):
                registrations += _one_person(
                    session, rng, factory, (clerk_ctx, reviewer_ctx, agency_ctx), today
                )
                made += 1
        if progress:
            progress(made, persons)
    with store.session() as session:
        _serve_some(session, random.Random(seed), clerk_ctx, today)
    with store.session() as session:
        events = int(session.scalar(select(func.count()).select_from(Event)) or 0) - events_before
    return DemoSummary(made, registrations, events, time.perf_counter() - started)


def _one_person(
    session: Session,
    rng: random.Random,
    factory: _PersonFactory,
    staff: tuple[reg.CounterContext, reg.CounterContext, reg.CounterContext],
    today: date,
) -> int:
    """One person with one registration (sometimes two: deregistered, later back).

    `staff` is (窗口经办, 审核, 残疾人就业服务机构): the agency receives, verifies and registers
    half of the disabled workers under its delegation (notice §2); the department's 审核
    confirms every deregistration."""
    clerk, reviewer, agency = staff
    state = rng.choices(
        ("applied", "verified", "registered", "rejected", "deregistered"),
        weights=(6, 3, 52, 4, 35),
    )[0]
    recent = state in ("applied", "verified")
    applied_on = today - timedelta(days=rng.randrange(0, 12) if recent else rng.randrange(20, 720))
    details = factory.details(applied_on)
    cause = _weighted(rng, _CAUSES)
    categories: tuple[str, ...] = ()
    if rng.random() < 0.12:
        category = rng.choice(("01", "02", "03", "05", "06", "07", "08"))
        age = (applied_on - (details.birth_date or applied_on)).days // 365
        # 大龄失业人员: 女满40周岁、男满50周岁
        if category != "01" or age >= (50 if details.sex == "1" else 40):
            categories = (category,)
    application = reg.Application(
        person=details,
        applied_on=applied_on,
        registration_place="household" if rng.random() < 0.7 else "residence",
        unemployment_cause=cause,
        unemployed_since=applied_on - timedelta(days=rng.randrange(1, 200)),
        difficulty_categories=categories,
        channel="online" if rng.random() < 0.15 else "counter",
        extra={
            "job_wish": rng.choice(
                (
                    "销售",
                    "餐饮服务",
                    "驾驶员",
                    "保安",
                    "仓储物流",
                    "文员",
                    "电工",
                    "家政服务",
                    "建筑施工",
                    "收银员",
                )
            ),
            "training_wish": rng.random() < 0.3,
            "startup_wish": rng.random() < 0.1,
        },
    )
    if details.health == "6" and int(details.id_number[15]) % 2 == 0:
        # Chosen by the ID number, not the random generator: the rest of the data stays the
        # same as without the agency.
        clerk = reviewer = agency
    try:
        applied = reg.apply_for_registration(session, clerk, application)
    except reg.IneligibleError:
        return 0
    if state == "applied":
        return 1
    verified_on = min(today, applied_on + timedelta(days=rng.randrange(1, 6)))
    home_visit = rng.random() < 0.08
    reg.verify(
        session,
        reviewer,
        applied.registration_id,
        on=verified_on,
        method="home_visit" if home_visit else "data_comparison",
        evidence={"公安人口库": "一致", "社会保险参保": "无记录", "市场主体登记": "无记录"},
    )
    if state == "verified":
        return 1
    if state == "rejected":
        reg.reject(
            session,
            reviewer,
            applied.registration_id,
            on=verified_on,
            reason=rng.choice(
                (
                    "经比对，申请人处于社会保险参保缴费状态（已就业）",
                    "经比对，申请人已登记为个体工商户经营者",
                )
            ),
        )
        return 1
    reg.register(session, reviewer, applied.registration_id, on=verified_on)
    if state == "deregistered":
        gone = min(today, verified_on + timedelta(days=rng.randrange(20, 400)))
        reg.deregister(
            session,
            staff[1],  # the department's 审核, also for the agency's registrations
            applied.registration_id,
            on=gone,
            reason=_weighted(rng, _DEREG),
        )
    return 1


# --------------------------------------------------------------------------- serving (issue 6)
_DEMO_AID_PLANS = 12  # per run: enough for the 服务跟踪 page and the record page to show
_DEMO_CONTACTS = 120


def _serve_some(
    session: Session, rng: random.Random, clerk: reg.CounterContext, today: date
) -> None:
    """Aid plans with staff and steps, a public-welfare post, 回访, and monthly contacts for
    some registered people, through the use cases. Its own random generator: the people made
    above stay the same as without it."""
    from desktop.domain.aid import PersonVisit, PostPlacement
    from desktop.services import aid
    from desktop.services import followup as fu
    from desktop.store.models import AidPlan, Registration

    rows = session.execute(
        select(Registration.id, Registration.registered_on, Registration.difficulty_categories)
        .outerjoin(AidPlan, AidPlan.id == Registration.id)
        .where(Registration.status == "registered", AidPlan.id.is_(None))
        .order_by(Registration.number)
    ).all()
    aided = [(rid, on) for rid, on, categories in rows if categories and on][:_DEMO_AID_PLANS]
    for index, (rid, registered_on) in enumerate(aided):
        made_on = min(today, registered_on + timedelta(days=rng.randrange(3, 15)))
        aid.assign_aid_staff(session, clerk, rid, staff_id=clerk.actor.clerk_id,
                             staff_name=clerk.actor.display_name or "张丽", on=made_on,
                             today=today)  # fmt: skip
        items = [
            aid.new_item("职业指导", [("一对一职业指导，分析求职意向", None)]),
            aid.new_item("岗位推荐", [("推荐3个适合岗位", None), ("回访求职结果", None)]),
        ]
        plan = aid.make_aid_plan(session, clerk, rid, on=made_on, items=items,
                                 needs="求职技巧不足，需岗位信息", today=today)  # fmt: skip
        done_on = min(today, made_on + timedelta(days=7))
        aid.complete_aid_step(session, clerk, rid, step_id=plan.items[0]["steps"][0]["step_id"],
                              done_on=done_on, result="已完成职业指导", today=today)  # fmt: skip
        if index % 4 == 0:
            aid.place_in_welfare_post(
                session,
                clerk,
                rid,
                PostPlacement("社区公共环境卫生保洁", "城关区环境卫生管理所", done_on),
                today=today,
            )
            visit = PersonVisit(
                done_on,
                "employed_stable",
                "在公益性岗位上岗，工作稳定",
                ("公益性岗位补贴",),
                "已安置公益性岗位",
                method="phone",
            )
            aid.record_person_visit(session, clerk, rid, visit, today=today)
    month_start = today.replace(day=1)
    for rid, registered_on, _categories in rows[:_DEMO_CONTACTS]:
        if registered_on and registered_on <= month_start and rng.random() < 0.6:
            contacted_on = month_start + timedelta(days=rng.randrange(0, today.day))
            method = rng.choice(("phone", "sms", "field_visit"))
            fu.record_contact(session, clerk, rid, on=contacted_on, method=method,
                              reached=rng.random() < 0.85, today=today)  # fmt: skip
