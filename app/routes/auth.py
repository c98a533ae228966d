"""Sign in, sign out, the language switch, and the landing redirect."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import LANG_COOKIE, LOCALES
from app.i18n import gettext as _
from app.models import Role, User
from app.routes.forms import form_dict, safe_next
from app.security import LoginThrottle, home_for, verify_password


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(account: str = "", next_path: str = "", error: str | None = None, status: int = 200) -> Template:
    return Template(
        template_name="auth/login.html",
        context={"account": account, "next": next_path, "error": error},
        status_code=status,
    )


@get("/login", name="login")
async def login_form(request: Request, next: str = "") -> Response:  # noqa: A002 - the query parameter's name
    role = request.session.get("role") if request.session else None
    if role in {r.value for r in Role}:
        return Redirect(path=home_for(Role(role)))
    return _login_page(next_path=next)


@post("/login", name="login_submit")
async def login_submit(request: Request, db_session: AsyncSession) -> Response:
    throttle = LoginThrottle(request.app.stores.get("login_throttle"), request.app.state.settings.login_failures_per_minute)
    client = _client(request)
    if await throttle.is_blocked(client):
        raise HTTPException(status_code=HTTP_429_TOO_MANY_REQUESTS)
    form = await form_dict(request)
    account, password = form.get("account", ""), form.get("password", "")
    next_path = form.get("next", "")
    if not account or not password:
        return _login_page(account, next_path, _("Enter your account and password."), status=422)

    # Residents sign in with their phone number, staff with a username; one box takes either.
    column = User.phone if account.isdigit() else User.username
    user = await db_session.scalar(select(User).where(column == account))
    if user is None or not user.is_active or not verify_password(user.password_hash if user else None, password):
        await throttle.record_failure(client)
        # One message for every failure: it must not tell which part was wrong.
        return _login_page(account, next_path, _("Account or password is incorrect."), status=401)

    request.clear_session()
    request.set_session({"uid": user.id, "role": user.role.value})
    return Redirect(path=safe_next(next_path, home_for(user.role)), status_code=303)


@post("/logout", name="logout")
async def logout(request: Request) -> Response:
    request.clear_session()
    return Redirect(path="/login", status_code=303)


@get("/lang", name="set_language")
async def set_language(to: str = "zh_CN", next: str = "/") -> Response:  # noqa: A002
    response = Redirect(path=safe_next(next, "/"))
    if to in LOCALES:
        response.set_cookie(LANG_COOKIE, to, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@get("/", name="landing")
async def landing(request: Request) -> Response:
    return Redirect(path=home_for(request.user.role))


@get("/healthz", name="health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


route_handlers = [login_form, login_submit, logout, set_language, landing, health]
