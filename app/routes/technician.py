"""The technician's day on a phone: the routed list, one job, its taps, the on-site record and sign-off."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.i18n import gettext as _
from app.live import announce
from app.models import Role, Status, Ticket
from app.routes.forms import conflict_message, form_dict, safe_next
from app.security import requires
from app.services import (
    company_settings,
    consent_codes,
    coordination,
    offers,
    receipts,
    signoff,
    site_record,
    tech_day,
    tech_status,
    ticket_queries,
)
from app.services.board import clock
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError
from app.web import local_tz, utc_now

UNPROCESSABLE, CONFLICT = 422, 409



def new_key() -> str:
    return secrets.token_urlsafe(12)


class TechnicianController(Controller):
    path = "/tech"
    guards = [requires(Role.TECHNICIAN)]  # noqa: RUF012

    @get("/", name="technician_home")
    async def home(self, request: Request, db_session: AsyncSession, day: str = "") -> Template:
        return await self._list(request, db_session, day)

    async def _list(self, request: Request, db: AsyncSession, day: str = "", *, message: str | None = None,
                    errors: dict | None = None, status: int = 200) -> Template:
        today = utc_now().astimezone(local_tz()).date()
        try:
            the_day = dt.date.fromisoformat(day) if day else today
        except ValueError:
            raise NotFoundException() from None
        technician = await tech_day.technician_of(db, request.user)
        settings = await company_settings.load(db)
        visits = await tech_day.visits(db, technician, the_day, local_tz()) if technician else []
        steps = {v.ticket.id: await tech_status.last_step(db, v.ticket) for v in visits}
        return Template("tech/home.html", status_code=status, context={
            "technician": technician, "visits": visits, "day": the_day, "today": today, "steps": steps,
            "tomorrow": today + dt.timedelta(days=1), "clock": clock, "message": message, "errors": errors or {},
            "timeout_minutes": settings["accept_timeout_minutes"], "now": utc_now(), "timedelta": dt.timedelta,
            "map": tech_day.day_map(technician, visits) if visits else None, "new_key": new_key,
        })

    async def _job(self, request: Request, db: AsyncSession, number: str) -> tuple:
        found = await tech_day.own_job(db, request.user, number)
        if found is None:
            raise NotFoundException()
        return found

    @get("/jobs/{number:str}", name="technician_job")
    async def job(self, number: str, request: Request, db_session: AsyncSession) -> Template:
        return await self._job_page(request, db_session, number)

    async def _job_page(self, request: Request, db: AsyncSession, number: str, *, message: str | None = None,
                        errors: dict | None = None, form: dict | None = None, status: int = 200) -> Template:
        _technician, ticket = await self._job(request, db, number)
        settings = await company_settings.load(db)
        site = await site_record.of(db, ticket)
        return Template("tech/job.html", status_code=status, context={
            "t": ticket, "step": await tech_status.last_step(db, ticket), "site": site, "form": form or {},
            "photos": await ticket_queries.photos_of(db, ticket), "events": await ticket_queries.timeline(db, ticket),
            "catalogue": settings["materials_catalogue"], "fees": settings["fee_schedule"],
            "blockers": tech_status.work_blockers(ticket, settings), "consent_missing": tech_status.consent_missing(ticket),
            "message": message, "errors": errors or {}, "new_key": new_key,
            "editable": [s.value for s in site_record.EDITABLE], "nav_link": tech_day.Visit(ticket, None).navigation,
        })

    async def _taps(self, request: Request, db: AsyncSession, ticket: Ticket, *, message: str | None = None,
                    errors: dict | None = None, status: int = 200, saved: bool = False, back: str = "/tech") -> Template:
        return Template("tech/_taps.html", status_code=status, context={
            "t": ticket, "step": await tech_status.last_step(db, ticket), "message": message, "errors": errors or {},
            "saved": saved, "new_key": new_key, "back": back,
        })

    async def _tap_action(self, number: str, request: Request, db: AsyncSession, action) -> Response:  # noqa: ANN001
        """One tap: the button row comes back with what is saved (htmx), or the page it came from."""
        _technician, ticket = await self._job(request, db, number)
        form = await form_dict(request)
        back = safe_next(form.get("next"), f"/tech/jobs/{number}")
        try:
            await action(ticket, form)
            await db.commit()
        except FormErrors as exc:
            await db.rollback()
            return await self._refused(request, db, number, errors=exc.errors, status=UNPROCESSABLE, back=back)
        except (TransitionError, Conflict) as exc:
            await db.rollback()
            return await self._refused(request, db, number, message=conflict_message(exc), status=CONFLICT, back=back)
        except (StaleDataError, IntegrityError):
            # A retry of this tap (or another change) committed between our look-up of the key and
            # our commit: the ticket's version no longer matches. If it was this tap, it is saved.
            await db.rollback()
            _technician, ticket = await self._job(request, db, number)
            if not form.get("tap") or await tech_status.event_with_tap(db, ticket, form["tap"]) is None:
                return await self._refused(request, db, number, status=CONFLICT, back=back,
                                           message=_("This job was changed at the same moment. Check what is saved and tap again."))
        if request.headers.get("hx-request"):
            response = await self._taps(request, db, ticket, saved=True, back=back)
        else:
            response = Redirect(path=back, status_code=303)
        response.background = announce(request.app, "ticket")
        return response

    async def _refused(self, request: Request, db: AsyncSession, number: str, *, back: str, message: str | None = None,
                       errors: dict | None = None, status: int) -> Template:
        if request.headers.get("hx-request"):
            _technician, ticket = await self._job(request, db, number)
            return await self._taps(request, db, ticket, message=message or " ".join((errors or {}).values()), errors=errors,
                                    status=status, back=back)
        if back.startswith("/tech/jobs/"):
            return await self._job_page(request, db, number, message=message, errors=errors, status=status)
        return await self._list(request, db, message=message, errors={number: " ".join((errors or {}).values())}, status=status)

    @post("/jobs/{number:str}/accept", name="technician_accept")
    async def accept(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        async def act(ticket: Ticket, form: dict) -> None:
            await tech_status.tap(db_session, ticket, Status.ACCEPTED, form.get("tap", ""), request.user, utc_now(),
                                  await company_settings.load(db_session))
        return await self._tap_action(number, request, db_session, act)

    @post("/jobs/{number:str}/decline", name="technician_decline")
    async def decline(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        technician, ticket = await self._job(request, db_session, number)
        form = await form_dict(request)
        try:
            await offers.decline(db_session, ticket, technician, form.get("reason", ""), request.user, utc_now())
        except FormErrors as exc:
            await db_session.rollback()
            return await self._list(request, db_session, errors={number: exc.errors.get("reason", "")}, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._list(request, db_session, message=conflict_message(exc), status=CONFLICT)
        response = Redirect(path="/tech", status_code=303)
        response.background = announce(request.app, "offer")
        return response

    @post("/jobs/{number:str}/status", name="technician_status")
    async def status(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        async def act(ticket: Ticket, form: dict) -> None:
            try:
                target = Status(form.get("to", ""))
            except ValueError:
                raise TransitionError(str(form.get("to", ""))) from None
            await tech_status.tap(db_session, ticket, target, form.get("tap", ""), request.user, utc_now(),
                                  await company_settings.load(db_session))
        return await self._tap_action(number, request, db_session, act)

    @post("/jobs/{number:str}/late", name="technician_late")
    async def late(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._tap_action(number, request, db_session,
                                      lambda ticket, form: tech_status.running_late(db_session, ticket, form, request.user, utc_now()))

    @post("/jobs/{number:str}/no-access", name="technician_no_access")
    async def no_access(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._tap_action(number, request, db_session,
                                      lambda ticket, form: tech_status.no_access(db_session, ticket, form, request.user, utc_now()))

    @get("/jobs/{number:str}/pause", name="technician_pause_form")
    async def pause_form(self, number: str, request: Request, db_session: AsyncSession) -> Template:
        return await self._pause_page(request, db_session, number)

    async def _pause_page(self, request: Request, db: AsyncSession, number: str, *, form: dict | None = None,
                          errors: dict | None = None, message: str | None = None, status: int = 200) -> Template:
        _technician, ticket = await self._job(request, db, number)
        latest = coordination.inspection_deadline(utc_now(), local_tz(), await coordination.rules(db))
        return Template("tech/pause.html", status_code=status, context={
            "t": ticket, "form": form or {}, "errors": errors or {}, "message": message, "latest": latest,
            "now": utc_now(), "new_key": new_key,
        })

    @post("/jobs/{number:str}/pause", name="technician_pause")
    async def pause(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        form = await form_dict(request)
        try:
            await coordination.open_slip(db_session, ticket, form, request.user, utc_now(), local_tz())
        except FormErrors as exc:
            await db_session.rollback()
            return await self._pause_page(request, db_session, number, form=form, errors=exc.errors, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._pause_page(request, db_session, number, form=form, message=conflict_message(exc), status=CONFLICT)
        response = Redirect(path=f"/tech/jobs/{number}", status_code=303)
        response.background = announce(request.app, "ticket")
        return response

    @post("/jobs/{number:str}/record", name="technician_record")
    async def record(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        raw = await request.form()
        form = await form_dict(request)
        lists = {name: raw.getall(name) if name in raw else [] for name in ("material_code", "material_qty", "labour_code", "labour_qty")}
        settings = await company_settings.load(db_session)
        try:
            await site_record.save(db_session, ticket, form, lists, request.user, settings, utc_now())
        except FormErrors as exc:
            await db_session.rollback()
            return await self._job_page(request, db_session, number, errors=exc.errors, form={**form, **lists}, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._job_page(request, db_session, number, message=conflict_message(exc), form={**form, **lists}, status=CONFLICT)
        return Redirect(path=f"/tech/jobs/{number}#record", status_code=303)

    @post("/jobs/{number:str}/photos", name="technician_photos")
    async def photos(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        raw = await request.form()
        uploads = [(f.filename, await f.read()) for f in raw.getall("photos") if hasattr(f, "read")] if "photos" in raw else []
        upload_dir = Path(request.app.state.settings.upload_dir)
        try:
            await site_record.add_photos(db_session, ticket, str(raw.get("stage", "")), uploads, request.user, upload_dir, utc_now())
        except FormErrors as exc:
            await db_session.rollback()
            return await self._job_page(request, db_session, number, errors=exc.errors, status=UNPROCESSABLE)
        except TransitionError as exc:
            await db_session.rollback()
            return await self._job_page(request, db_session, number, message=str(exc), status=CONFLICT)
        return Redirect(path=f"/tech/jobs/{number}#photos", status_code=303)

    @post("/jobs/{number:str}/code", name="technician_send_code")
    async def send_code(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        try:
            await consent_codes.send(db_session, ticket, request.user, utc_now())
        except TransitionError as exc:
            await db_session.rollback()
            return await self._job_page(request, db_session, number, message=str(exc), status=CONFLICT)
        return Redirect(path=f"/tech/jobs/{number}?sent=1#consent", status_code=303)

    @post("/jobs/{number:str}/code/check", name="technician_check_code")
    async def check_code(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        form = await form_dict(request)
        problem = await consent_codes.check(db_session, ticket, form.get("code", ""), request.user, utc_now())
        # A wrong try is counted even though nothing else changes: commit before answering.
        await db_session.commit()
        if problem:
            return await self._job_page(request, db_session, number, errors={"code": problem}, status=UNPROCESSABLE)
        return Redirect(path=f"/tech/jobs/{number}#consent", status_code=303)

    @get("/jobs/{number:str}/signoff", name="technician_signoff_form")
    async def signoff_form(self, number: str, request: Request, db_session: AsyncSession) -> Template:
        return await self._signoff_page(request, db_session, number)

    async def _signoff_page(self, request: Request, db: AsyncSession, number: str, *, form: dict | None = None,
                            errors: dict | None = None, message: str | None = None, status: int = 200) -> Template:
        _technician, ticket = await self._job(request, db, number)
        return Template("tech/signoff.html", status_code=status, context={
            "t": ticket, "ticket": ticket, "site": await site_record.of(db, ticket), "amount": await signoff.amount_due(db, ticket),
            "form": form or {}, "errors": errors or {}, "message": message, "methods": receipts.METHODS,
            "action": f"/tech/jobs/{number}/signoff", "payment": await receipts.of(db, ticket), "signed": await signoff.of(db, ticket),
        })

    @post("/jobs/{number:str}/signoff", name="technician_signoff")
    async def sign(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        _technician, ticket = await self._job(request, db_session, number)
        form = await form_dict(request)
        try:
            await signoff.sign(db_session, ticket, form, request.user, "technician_phone", utc_now(), local_tz())
            await db_session.commit()
        except FormErrors as exc:
            await db_session.rollback()
            return await self._signoff_page(request, db_session, number, form=form, errors=exc.errors, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._signoff_page(request, db_session, number, form=form, message=conflict_message(exc), status=CONFLICT)
        except (StaleDataError, IntegrityError):
            # A double submit: the other request saved its sign-off first (one per ticket). That one
            # stands; without it, something else changed the job and the form must be looked at again.
            await db_session.rollback()
            _technician, ticket = await self._job(request, db_session, number)
            if await signoff.of(db_session, ticket) is None:
                return await self._signoff_page(request, db_session, number, form=form, status=CONFLICT,
                                                message=_("This job was changed at the same moment. Check what is saved and try again."))
        # Post/redirect/get: refreshing the thank-you page must not post the sign-off again.
        response = Redirect(path=f"/tech/jobs/{number}/signoff", status_code=303)
        response.background = announce(request.app, "ticket")
        return response
