"""Staff accounts and the technicians' trades, home base and weekly shifts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import STAFF_ROLES, Estate, Role, ShiftTemplate, Technician, Trade, User
from app.security import hash_password
from app.services.validation import USERNAME_RE, Checker

MIN_PASSWORD = 8


async def list_staff(db: AsyncSession, query: str = "") -> list[User]:
    stmt = select(User).where(User.role.in_(STAFF_ROLES))
    if query:
        stmt = stmt.where(or_(User.username.contains(query), User.name.contains(query)))
    return list(await db.scalars(stmt.order_by(User.role, User.username)))


async def trades(db: AsyncSession) -> list[Trade]:
    return list(await db.scalars(select(Trade).order_by(Trade.sort_order)))


def _check_password(check: Checker, required: bool) -> str:
    password = check.form.get("password", "")
    if password and len(password) < MIN_PASSWORD:
        check.fail("password", _("At least %(n)s characters.", n=MIN_PASSWORD))
    elif required and not password:
        check.fail("password", _("Required."))
    return password


def _check_role(check: Checker) -> Role | None:
    try:
        role = Role(check.form.get("role", ""))
    except ValueError:
        role = None
    if role not in STAFF_ROLES:
        check.fail("role", _("Choose a role."))
        return None
    return role


async def create_staff(db: AsyncSession, form: dict[str, str]) -> User:
    check = Checker(form)
    username = check.text("username", max_len=30).lower()
    name = check.text("name", max_len=50)
    role = _check_role(check)
    password = _check_password(check, required=True)
    if username and not USERNAME_RE.match(username):
        check.fail("username", _("3–30 lower-case letters, digits, dots or dashes, starting with a letter."))
    elif username and await db.scalar(select(User.id).where(User.username == username)):
        check.fail("username", _("This username is taken."))
    check.raise_if_errors()
    user = User(username=username, name=name, role=role, password_hash=hash_password(password))
    db.add(user)
    await db.flush()
    if role is Role.TECHNICIAN:
        await _ensure_technician(db, user)
    return user


async def update_staff(db: AsyncSession, user: User, form: dict[str, str], acting_user: User) -> User:
    check = Checker(form)
    name = check.text("name", max_len=50)
    role = _check_role(check)
    password = _check_password(check, required=False)
    is_active = form.get("is_active") == "on"
    if user.id == acting_user.id and (role is not Role.ADMIN or not is_active):
        check.fail("role", _("You cannot remove your own admin access."))
    check.raise_if_errors()
    user.name, user.role, user.is_active = name, role, is_active  # type: ignore[assignment]
    if password:
        user.password_hash = hash_password(password)
    if role is Role.TECHNICIAN:
        await _ensure_technician(db, user)
    await db.flush()
    return user


async def _ensure_technician(db: AsyncSession, user: User) -> Technician:
    technician = await db.scalar(select(Technician).where(Technician.user_id == user.id))
    if technician is None:
        # Until the admin sets a home base, start the day at the first estate's office.
        office = await db.scalar(select(Estate).order_by(Estate.code).limit(1))
        technician = Technician(
            user_id=user.id,
            trades=[],
            home_label=office.name if office else "",
            home_lat=office.lat if office else 39.9,
            home_lon=office.lon if office else 116.4,
        )
        db.add(technician)
        await db.flush()
    return technician


async def list_technicians(db: AsyncSession, trade: str = "") -> list[Technician]:
    stmt = select(Technician).join(Technician.user).order_by(User.username)
    technicians = list(await db.scalars(stmt))
    if trade:
        technicians = [t for t in technicians if trade in t.trades]
    return technicians


async def technicians_per_trade(db: AsyncSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for technician in await db.scalars(select(Technician).join(Technician.user).where(User.is_active.is_(True))):
        for code in technician.trades:
            counts[code] = counts.get(code, 0) + 1
    return counts


async def update_technician(db: AsyncSession, technician: Technician, form: dict[str, str], chosen_trades: list[str]) -> Technician:
    check = Checker(form)
    known = {t.code for t in await trades(db)}
    if not chosen_trades:
        check.fail("trades", _("Choose at least one trade."))
    elif set(chosen_trades) - known:
        check.fail("trades", _("Unknown trade."))
    home_label = check.text("home_label", required=False, max_len=100)
    lat = check.number("home_lat", low=18, high=54)
    lon = check.number("home_lon", low=73, high=135)
    shifts = _check_shifts(check)
    check.raise_if_errors()
    technician.trades = sorted(set(chosen_trades))
    technician.home_label, technician.home_lat, technician.home_lon = home_label, lat, lon  # type: ignore[assignment]
    by_day = {s.weekday: s for s in technician.shifts}
    for weekday in range(7):
        wanted, existing = shifts.get(weekday), by_day.get(weekday)
        if wanted is None and existing is not None:
            technician.shifts.remove(existing)
        elif wanted is not None and existing is None:
            technician.shifts.append(ShiftTemplate(weekday=weekday, **wanted))
        elif wanted is not None and existing is not None:
            for key, value in wanted.items():
                setattr(existing, key, value)
    await db.flush()
    return technician


def _check_shifts(check: Checker) -> dict[int, dict[str, int | None]]:
    shifts: dict[int, dict[str, int | None]] = {}
    for weekday in range(7):
        if check.form.get(f"works_{weekday}") != "on":
            continue
        start = check.clock(f"start_{weekday}")
        end = check.clock(f"end_{weekday}")
        break_at = check.clock(f"break_{weekday}", required=False)
        break_minutes = check.number(f"break_minutes_{weekday}", low=0, high=180, required=False) or 0
        if start is not None and end is not None and end <= start:
            check.fail(f"end_{weekday}", _("The shift must end after it starts."))
        if break_at is not None and start is not None and end is not None and not start <= break_at <= end:
            check.fail(f"break_{weekday}", _("The break must fall inside the shift."))
        # The break may move by half an hour either side: the planner places it between jobs.
        shifts[weekday] = {
            "start_min": start,
            "end_min": end,
            "break_earliest_min": None if break_at is None else max(break_at - 30, start or 0),
            "break_latest_min": None if break_at is None else break_at + 30,
            "break_minutes": int(break_minutes) if break_at is not None else 0,
        }
    return shifts


async def count_by_role(db: AsyncSession) -> dict[Role, int]:
    rows = await db.execute(select(User.role, func.count()).group_by(User.role))
    return dict(rows.all())  # type: ignore[arg-type]

