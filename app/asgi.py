"""The application factory: plugins, stores, security and routers — nothing else."""

from __future__ import annotations

import gc

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore
from litestar import Litestar
from litestar.datastructures import State
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from app.db import make_alchemy_config
from app.errors import handle_http_exception, handle_server_error
from app.i18n import LocaleMiddleware
from app.live import channels_plugin, offer_sweeper
from app.models import StoreItem
from app.routes import admin, aftercare, auth, board, desk, homes, messages, photos, printing, resident, signoff, slips, slots, technician, tickets
from app.routes.reports import ReportController
from app.security import session_auth
from app.services import road_travel
from app.services.solve_jobs import SolveJobs
from app.settings import Settings, get_settings
from app.web import STATIC_DIR, template_config


def settle_memory() -> None:
    """Everything loaded at startup lives as long as the process: freezing it keeps the collector
    from walking it again on every full collection, and a larger first generation lets a board's
    tens of thousands of short-lived objects come and go between collections."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    road_travel.configure(settings.travel_service)
    alchemy = make_alchemy_config(settings)
    auth_config = session_auth(settings)
    return Litestar(
        route_handlers=[
            *auth.route_handlers,
            *homes.route_handlers,
            *photos.route_handlers,
            ReportController,
            admin.AdminController,
            resident.ResidentController,
            desk.DeskController,
            tickets.TicketController,
            board.BoardController,
            printing.PrintController,
            technician.TechnicianController,
            signoff.ResidentSignoffController,
            slips.SlipsController,
            slots.ResidentSlotController,
            messages.MessagesController,
            slots.DeskSlotController,
            *aftercare.route_handlers,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        plugins=[
            SQLAlchemyPlugin(config=alchemy),
            HTMXPlugin(),
            channels_plugin(settings.database_url),
        ],
        stores={
            "sessions": SQLAlchemyStore(alchemy, model=StoreItem, namespace="sessions"),
            "login_throttle": SQLAlchemyStore(alchemy, model=StoreItem, namespace="login"),
        },
        on_app_init=[auth_config.on_app_init],
        lifespan=[offer_sweeper],
        on_startup=[settle_memory],
        middleware=[LocaleMiddleware],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=False,
            cookie_samesite="lax",
        ),
        template_config=template_config(),
        openapi_config=None,  # an HTML app: no public API schema to expose
        exception_handlers={HTTPException: handle_http_exception, Exception: handle_server_error},
        state=State({"settings": settings, "alchemy": alchemy, "solve_jobs": SolveJobs()}),
        # Six 10 MB photos and the form around them.
        request_max_body_size=64 * 1024 * 1024,
        debug=settings.debug,
    )
