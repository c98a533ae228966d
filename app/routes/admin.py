"""Admin pages: places, staff, technicians and the company settings."""

from __future__ import annotations

import json

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Building, Estate, Role, Technician, User
from app.routes.forms import form_dict
from app.security import requires
from app.services import company_settings, places, staff
from app.services.validation import FormErrors, clock_text

UNPROCESSABLE = 422


async def _get(db: AsyncSession, model: type, item_id: int):  # noqa: ANN202
    item = await db.get(model, item_id)
    if item is None:
        raise NotFoundException()
    return item


class AdminController(Controller):
    path = "/admin"
    guards = [requires(Role.ADMIN)]  # noqa: RUF012

    @get("/", name="admin_home")
    async def home(self, db_session: AsyncSession) -> Template:
        return Template(
            "admin/home.html",
            context={
                "estates": await places.estates_with_counts(db_session),
                "roles": await staff.count_by_role(db_session),
                "per_trade": await staff.technicians_per_trade(db_session),
                "trades": await staff.trades(db_session),
            },
        )

    # --- places -------------------------------------------------------------------------------

    @get("/estates", name="admin_estates")
    async def estates(self, db_session: AsyncSession) -> Template:
        return Template("admin/estates.html", context={"estates": await places.estates_with_counts(db_session)})

    @get("/estates/new", name="admin_estate_new")
    async def estate_new(self) -> Template:
        return Template("admin/estate_form.html", context={"estate": None, "form": {}, "errors": {}})

    @post("/estates/new", name="admin_estate_create")
    async def estate_create(self, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        try:
            estate = await places.save_estate(db_session, form)
        except FormErrors as exc:
            return Template("admin/estate_form.html", context={"estate": None, "form": form, "errors": exc.errors}, status_code=UNPROCESSABLE)
        return Redirect(path=f"/admin/estates/{estate.id}", status_code=303)

    @get("/estates/{estate_id:int}", name="admin_estate")
    async def estate(self, estate_id: int, db_session: AsyncSession) -> Template:
        estate = await _get(db_session, Estate, estate_id)
        return Template(
            "admin/estate.html",
            context={"estate": estate, "buildings": await places.buildings_of(db_session, estate_id), "form": {}, "errors": {}},
        )

    @post("/estates/{estate_id:int}", name="admin_estate_update")
    async def estate_update(self, estate_id: int, request: Request, db_session: AsyncSession) -> Response:
        estate = await _get(db_session, Estate, estate_id)
        form = await form_dict(request)
        try:
            await places.save_estate(db_session, form, estate)
        except FormErrors as exc:
            return Template("admin/estate_form.html", context={"estate": estate, "form": form, "errors": exc.errors}, status_code=UNPROCESSABLE)
        return Redirect(path=f"/admin/estates/{estate_id}", status_code=303)

    @get("/estates/{estate_id:int}/edit", name="admin_estate_edit")
    async def estate_edit(self, estate_id: int, db_session: AsyncSession) -> Template:
        estate = await _get(db_session, Estate, estate_id)
        form = {"code": estate.code, "name": estate.name, "address": estate.address, "lat": estate.lat, "lon": estate.lon}
        return Template("admin/estate_form.html", context={"estate": estate, "form": form, "errors": {}})

    @post("/estates/{estate_id:int}/buildings", name="admin_building_create")
    async def building_create(self, estate_id: int, request: Request, db_session: AsyncSession) -> Response:
        estate = await _get(db_session, Estate, estate_id)
        form = await form_dict(request)
        try:
            await places.add_building(db_session, estate, form)
        except FormErrors as exc:
            return Template(
                "admin/estate.html",
                context={"estate": estate, "buildings": await places.buildings_of(db_session, estate_id), "form": form, "errors": exc.errors},
                status_code=UNPROCESSABLE,
            )
        return Redirect(path=f"/admin/estates/{estate_id}", status_code=303)

    @get("/buildings/{building_id:int}", name="admin_building")
    async def building(self, building_id: int, db_session: AsyncSession, q: str = "", page: int = 1) -> Template:
        building = await _get(db_session, Building, building_id)
        units, total = await places.search_units(db_session, q, page, building_id=building_id)
        return Template(
            "admin/building.html",
            context={"building": building, "units": units, "total": total, "q": q, "page": page,
                     "page_size": places.PAGE_SIZE, "form": {}, "errors": {}},
        )

    @post("/buildings/{building_id:int}/units", name="admin_unit_create")
    async def unit_create(self, building_id: int, request: Request, db_session: AsyncSession) -> Response:
        building = await _get(db_session, Building, building_id)
        form = await form_dict(request)
        try:
            await places.add_unit(db_session, building, form)
        except FormErrors as exc:
            units, total = await places.search_units(db_session, "", 1, building_id=building_id)
            return Template(
                "admin/building.html",
                context={"building": building, "units": units, "total": total, "q": "", "page": 1,
                         "page_size": places.PAGE_SIZE, "form": form, "errors": exc.errors},
                status_code=UNPROCESSABLE,
            )
        return Redirect(path=f"/admin/buildings/{building_id}", status_code=303)

    @get("/units", name="admin_units")
    async def units(self, request: HTMXRequest, db_session: AsyncSession, q: str = "", page: int = 1) -> Template:
        units, total = await places.search_units(db_session, q, page)
        context = {"units": units, "total": total, "q": q, "page": page, "page_size": places.PAGE_SIZE}
        # Active search swaps only the results; a plain visit gets the whole page.
        if request.htmx and request.htmx.target == "unit-results":
            return Template("admin/_unit_results.html", context=context)
        return Template("admin/units.html", context=context)

    # --- staff --------------------------------------------------------------------------------

    @get("/staff", name="admin_staff")
    async def staff_list(self, db_session: AsyncSession, q: str = "") -> Template:
        return Template("admin/staff.html", context={"users": await staff.list_staff(db_session, q), "q": q, "form": {}, "errors": {}})

    @post("/staff", name="admin_staff_create")
    async def staff_create(self, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        try:
            await staff.create_staff(db_session, form)
        except FormErrors as exc:
            return Template(
                "admin/staff.html",
                context={"users": await staff.list_staff(db_session), "q": "", "form": form, "errors": exc.errors},
                status_code=UNPROCESSABLE,
            )
        return Redirect(path="/admin/staff", status_code=303)

    @get("/staff/{user_id:int}", name="admin_staff_edit")
    async def staff_edit(self, user_id: int, db_session: AsyncSession) -> Template:
        user = await self._staff_user(db_session, user_id)
        form = {"name": user.name, "role": user.role.value, "is_active": "on" if user.is_active else ""}
        return Template("admin/staff_form.html", context={"user": user, "form": form, "errors": {}})

    @post("/staff/{user_id:int}", name="admin_staff_update")
    async def staff_update(self, user_id: int, request: Request, db_session: AsyncSession) -> Response:
        user = await self._staff_user(db_session, user_id)
        form = await form_dict(request)
        try:
            await staff.update_staff(db_session, user, form, request.user)
        except FormErrors as exc:
            return Template("admin/staff_form.html", context={"user": user, "form": form, "errors": exc.errors}, status_code=UNPROCESSABLE)
        return Redirect(path="/admin/staff", status_code=303)

    @staticmethod
    async def _staff_user(db: AsyncSession, user_id: int) -> User:
        user = await db.get(User, user_id)
        if user is None or user.role is Role.RESIDENT:
            raise NotFoundException()
        return user

    # --- technicians --------------------------------------------------------------------------

    @get("/technicians", name="admin_technicians")
    async def technicians(self, db_session: AsyncSession, trade: str = "") -> Template:
        return Template(
            "admin/technicians.html",
            context={"technicians": await staff.list_technicians(db_session, trade), "trades": await staff.trades(db_session),
                     "trade": trade, "clock": clock_text},
        )

    @get("/technicians/{technician_id:int}", name="admin_technician_edit")
    async def technician_edit(self, technician_id: int, db_session: AsyncSession) -> Template:
        technician = await _get(db_session, Technician, technician_id)
        return Template("admin/technician_form.html", context=await self._technician_context(db_session, technician, None, {}))

    @post("/technicians/{technician_id:int}", name="admin_technician_update")
    async def technician_update(self, technician_id: int, request: Request, db_session: AsyncSession) -> Response:
        technician = await _get(db_session, Technician, technician_id)
        raw = await request.form()
        chosen = raw.getall("trades") if "trades" in raw else []
        form = await form_dict(request)
        try:
            await staff.update_technician(db_session, technician, form, chosen)
        except FormErrors as exc:
            context = await self._technician_context(db_session, technician, {**form, "trades": chosen}, exc.errors)
            return Template("admin/technician_form.html", context=context, status_code=UNPROCESSABLE)
        return Redirect(path="/admin/technicians", status_code=303)

    @staticmethod
    async def _technician_context(db: AsyncSession, technician: Technician, form: dict | None, errors: dict) -> dict:
        if form is None:
            form = {"trades": technician.trades, "home_label": technician.home_label,
                    "home_lat": technician.home_lat, "home_lon": technician.home_lon}
            for shift in technician.shifts:
                day = shift.weekday
                form[f"works_{day}"] = "on"
                form[f"start_{day}"] = clock_text(shift.start_min)
                form[f"end_{day}"] = clock_text(shift.end_min)
                if shift.break_minutes and shift.break_latest_min is not None:
                    form[f"break_{day}"] = clock_text(shift.break_latest_min - 30)
                    form[f"break_minutes_{day}"] = shift.break_minutes
        return {"technician": technician, "trades": await staff.trades(db), "form": form, "errors": errors}

    # --- company settings ---------------------------------------------------------------------

    @get("/settings", name="admin_settings")
    async def settings_page(self, db_session: AsyncSession) -> Template:
        current = await company_settings.load(db_session)
        return Template("admin/settings.html", context=_settings_context(current.values, {}, saved=False))

    @post("/settings", name="admin_settings_save")
    async def settings_save(self, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        current = (await company_settings.load(db_session)).values
        edited, errors = _parse_settings_form(form, current)
        if errors:
            return Template("admin/settings.html", context=_settings_context(edited, errors, saved=False, raw=form), status_code=UNPROCESSABLE)
        for key, value in edited.items():
            if value != current.get(key):
                await company_settings.save(db_session, key, value, request.user.id)
        return Template("admin/settings.html", context=_settings_context(edited, {}, saved=True))


# Settings shown as JSON text: structured lists an admin edits rarely.
JSON_SETTINGS = ("slot_template", "fee_schedule", "materials_catalogue", "approval_thresholds", "emergency_keywords", "urgent_keywords", "trade_keywords")
NUMBER_SETTINGS = ("accept_timeout_minutes", "late_notice_minutes", "late_flag_minutes", "slot_days_ahead",
                   "return_visit_sample_percent", "return_visit_max_attempts", "repeat_window_days")
MAP_SETTINGS = ("sla_minutes", "warranty_months", "return_visit_hours", "coordination_slips")


def _settings_context(values: dict, errors: dict, saved: bool, raw: dict | None = None) -> dict:
    texts = {key: json.dumps(values[key], ensure_ascii=False, indent=1) for key in JSON_SETTINGS}
    if raw:
        texts.update({key: raw[key] for key in JSON_SETTINGS if key in raw})
    return {"values": values, "texts": texts, "errors": errors, "saved": saved,
            "number_settings": NUMBER_SETTINGS, "map_settings": MAP_SETTINGS, "json_settings": JSON_SETTINGS}


def _parse_settings_form(form: dict[str, str], current: dict) -> tuple[dict, dict[str, str]]:
    edited, errors = dict(current), {}
    for key in NUMBER_SETTINGS:
        try:
            edited[key] = company_settings.validate(key, form.get(key, current[key]))
        except (TypeError, ValueError):
            edited[key] = form.get(key, "")  # shown again as typed
            if key in company_settings.NUMBER_RANGES:
                low, high = company_settings.NUMBER_RANGES[key]
                errors[key] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
            else:
                errors[key] = _("Enter a whole number of 0 or more.")
    for key in MAP_SETTINGS:
        mapping = {}
        for name in current[key]:
            field = f"{key}.{name}"
            try:
                mapping[name] = int(form.get(field, current[key][name]))
                if mapping[name] <= 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors[field] = _("Enter a whole number above 0.")
                mapping[name] = current[key][name]
        edited[key] = mapping
    for key in JSON_SETTINGS:
        try:
            edited[key] = company_settings.validate(key, json.loads(form.get(key, "")))
        except json.JSONDecodeError as exc:
            errors[key] = _("Not valid JSON: line %(line)s, column %(col)s.", line=exc.lineno, col=exc.colno)
        except (TypeError, ValueError):
            errors[key] = _("This value does not have the expected shape.")
    return edited, errors
