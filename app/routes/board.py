"""The dispatcher's board: the day on a time axis, optimise with preview, apply, move, pin, lock, live."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.status_codes import HTTP_204_NO_CONTENT
from litestar.channels import ChannelsPlugin
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import get_locale
from app.i18n import gettext as _
from app.live import BOARD_CHANNEL, announce
from app.models import Role
from app.routes.forms import conflict_message, form_dict
from app.security import requires
from app.services import board as board_service
from app.services import company_settings, day_copies, planning, route_map
from app.services.board_moves import MoveError, lock_route, move_job, toggle_pin
from app.services.workflow import Conflict
from app.web import local_tz, utc_now



# The optimiser's panel sits outside the board, so refreshes of the board leave a running optimise
# alone; an apply empties it out of band.
CLEAR_OPTIMISE_PANEL = Markup('<div id="optimise-panel" class="no-print" hx-swap-oob="true"></div>')
_RENDERED: OrderedDict[tuple, Markup] = OrderedDict()
RENDERED_KEPT = 16



def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise NotFoundException() from None


class BoardController(Controller):
    path = "/board"
    guards = [requires(Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)]  # noqa: RUF012

    async def _page(self, request: HTMXRequest, db: AsyncSession, day: dt.date, *, message: str | None = None,
                    status: int = 200, fragment: bool = False, clear_optimise: bool = False, since: str = "") -> Response:
        stamp, html = await self._board_html(request, db, day, message)
        if fragment or (request.htmx and request.htmx.target == "board"):
            if since and since == stamp and message is None and not clear_optimise:
                # The board already shows this day as it is: leave it alone (a drag in progress, a scroll).
                return Response(b"", status_code=HTTP_204_NO_CONTENT)
            if clear_optimise:
                html += CLEAR_OPTIMISE_PANEL  # the proposal is the plan now, or stale: no longer pending
            return Response(html, media_type=MediaType.HTML, status_code=status)
        return Template("board/page.html", context={"board_html": html}, status_code=status)

    async def _board_html(self, request: HTMXRequest, db: AsyncSession, day: dt.date, message: str | None) -> tuple[str, Markup]:
        """The board fragment and a stamp of the day's state, reused while nothing on the day changes:
        every open board refreshes on every change anywhere, and most of those refreshes are of a day
        that stayed the same. The rendering is also keyed by the minute, for the SLA texts and passed
        windows that move with the clock; the stamp is not (the countdowns tick in the browser)."""
        now = utc_now()
        settings = await company_settings.load(db)
        signature = await planning.day_signature(db, day, local_tz())
        state = (str(db.get_bind().url), day, get_locale(), repr(sorted(settings.values.items())), signature)
        stamp = hashlib.sha256(repr(state).encode()).hexdigest()[:16]
        key = (*state, now.replace(second=0, microsecond=0))
        if message is None and (html := _RENDERED.get(key)) is not None:
            return stamp, html
        board = board_service.build(await day_copies.board_day(db, day, local_tz(), settings, signature), now)
        context = {"board": board, "map": route_map.draw(board), "message": message, "now": now, "stamp": stamp,
                   "clock": board_service.clock, "axis_percent": board_service.axis_percent,
                   "today": now.astimezone(local_tz()).date(), "dt": dt}
        html = Markup(request.app.template_engine.get_template("board/_board.html").render(**context))  # noqa: S704 - Jinja escaped it
        if message is None:
            _RENDERED[key] = html
            while len(_RENDERED) > RENDERED_KEPT:
                _RENDERED.popitem(last=False)
        return stamp, html

    @get("/", name="board_home")
    async def page(self, request: HTMXRequest, db_session: AsyncSession, day: str = "", since: str = "") -> Response:
        return await self._page(request, db_session, _day(day) if day else utc_now().astimezone(local_tz()).date(), since=since)

    @post("/{day:str}/optimise", name="board_optimise")
    async def optimise(self, day: str, request: Request, db_session: AsyncSession) -> Template:
        the_day = _day(day)
        settings = await company_settings.load(db_session)
        data = await planning.load_day(db_session, the_day, local_tz(), settings)
        problem = planning.build_problem(data, utc_now())
        previous = planning.stored_plan(data)

        seconds = request.app.state.settings.optimise_seconds

        async def work(job):  # noqa: ANN001, ANN202
            return problem, await planning.solve(problem, seconds, previous, progress=job.report)

        job = request.app.state.solve_jobs.start(day, data.plan.version if data.plan else 0, seconds, work)
        return Template("board/_optimise.html", context={"job": job, "day": day})

    @get("/{day:str}/optimise/{job_id:str}", name="board_optimise_status")
    async def optimise_status(self, day: str, job_id: str, request: Request, db_session: AsyncSession) -> Template:
        job = request.app.state.solve_jobs.get(job_id)
        if job is None:
            raise NotFoundException()
        context = {"job": job, "day": day}
        if job.done and job.result is not None:
            settings = await company_settings.load(db_session)
            data = await planning.load_day(db_session, _day(day), local_tz(), settings)
            _problem, proposal = job.result
            context.update(preview_context(data, proposal))
        return Template("board/_optimise.html", context=context)

    @post("/{day:str}/apply", name="board_apply")
    async def apply(self, day: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        job = request.app.state.solve_jobs.get(form.get("job", ""))
        if job is None or not job.done or job.result is None:
            return await self._page(request, db_session, _day(day), message=_gone(), status=409, fragment=True, clear_optimise=True)
        settings = await company_settings.load(db_session)
        data = await planning.load_day(db_session, _day(day), local_tz(), settings)
        problem, proposal = job.result
        try:
            await planning.apply(db_session, data, proposal, job.base_version, request.user, utc_now(), problem)
        except Conflict as exc:
            await db_session.rollback()
            request.app.state.solve_jobs.drop(job.id)
            return await self._page(request, db_session, _day(day), message=conflict_message(exc), status=409, fragment=True, clear_optimise=True)
        request.app.state.solve_jobs.drop(job.id)
        await db_session.commit()  # before the board is drawn: its copy of the day reads what is committed
        response = await self._page(request, db_session, _day(day), fragment=True, clear_optimise=True)
        response.background = announce(request.app, "plan")
        return response

    @post("/{day:str}/move", name="board_move")
    async def move(self, day: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self._change(day, request, db_session, move_job)

    @post("/{day:str}/pin", name="board_pin")
    async def pin(self, day: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self._change(day, request, db_session, toggle_pin)

    @post("/{day:str}/lock", name="board_lock")
    async def lock(self, day: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self._change(day, request, db_session, lock_route)

    async def _change(self, day: str, request: HTMXRequest, db: AsyncSession, change) -> Response:  # noqa: ANN001
        the_day = _day(day)
        form = await form_dict(request)
        settings = await company_settings.load(db)
        data = await planning.load_day(db, the_day, local_tz(), settings)
        try:
            await change(db, data, form, request.user, utc_now())
        except Conflict as exc:
            await db.rollback()
            return await self._page(request, db, the_day, message=conflict_message(exc), status=409, fragment=True)
        except MoveError as exc:
            await db.rollback()
            return await self._page(request, db, the_day, message=str(exc), status=422, fragment=True)
        await db.commit()  # before the board is drawn: its copy of the day reads what is committed
        response = await self._page(request, db, the_day, fragment=True)
        response.background = announce(request.app, "plan")
        return response

    @get("/events", name="board_events")
    async def events(self, channels: ChannelsPlugin) -> ServerSentEvent:
        async def stream():  # noqa: ANN202
            async with channels.start_subscription([BOARD_CHANNEL]) as subscriber:
                # Subscribed now: the board fetches itself once, so nothing saved while it was
                # connecting (or reconnecting after a network blip) is missed.
                yield ServerSentEventMessage(event="ready", data="subscribed")
                async for message in subscriber.iter_events():
                    yield ServerSentEventMessage(event="changed", data=message.decode() if isinstance(message, bytes) else str(message))

        return ServerSentEvent(stream())


def _gone() -> str:
    return _("That optimisation has already been applied or has expired. Optimise again.")


def preview_context(data: planning.DayData, proposal) -> dict:  # noqa: ANN001
    """What applying would change: jobs moved, technicians affected, and the totals side by side."""
    current = planning.stored_plan(data)
    changes = planning.diff(current, proposal)
    names = {t.id: t.user.name for t in data.technicians}
    numbers = {t.id: t.number for t in data.tickets}
    affected = sorted({names.get(c.before) or "" for c in changes if c.before} | {names.get(c.after) or "" for c in changes if c.after} - {""})
    return {
        "changes": [(numbers.get(c.ticket_id, "?"), names.get(c.before), names.get(c.after)) for c in changes],
        "affected": affected,
        "served_before": len(current.served()) if current else 0,
        "served_after": len(proposal.served()),
        "unassigned_after": len(proposal.unassigned),
        "travel_after_h": round(proposal.stats.get("travel_s", 0) / 3600, 1),
    }
