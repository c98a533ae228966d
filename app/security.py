"""Who is signed in, what they may open, and the defences around the login form."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty
from litestar.security.session_auth import SessionAuth
from litestar.stores.base import NamespacedStore
from sqlalchemy import select

from app.models import Role, User
from app.settings import Settings

_hasher = PasswordHasher()
# Verifying against this when the account does not exist keeps the response time the same, so the
# timing does not tell an attacker which usernames are real.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


HOME_BY_ROLE: dict[Role, str] = {
    Role.RESIDENT: "/my",
    Role.DESK: "/desk",
    Role.DISPATCHER: "/board",
    Role.TECHNICIAN: "/tech",
    Role.SUPERVISOR: "/supervisor",
    Role.ADMIN: "/admin",
}


def home_for(role: Role) -> str:
    return HOME_BY_ROLE[role]


# Who reads which pages, named once for the route modules.
STAFF = (Role.DESK, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)
DESK_SIDE = (Role.DESK, Role.SUPERVISOR, Role.ADMIN)
MANAGERS = (Role.SUPERVISOR, Role.ADMIN)  # also finance's readers: there is no finance role


def requires(*roles: Role) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A route guard letting only the given roles through; everyone else gets the 403 page."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = connection.user
        if user is None or user.role not in allowed:
            raise PermissionDeniedException("role not allowed")

    guard.__name__ = "requires_" + "_".join(sorted(r.value for r in allowed))
    return guard


async def retrieve_user(session: dict[str, Any], connection: ASGIConnection) -> User | None:
    user_id = session.get("uid")
    if not user_id:
        return None
    alchemy = connection.app.state.alchemy
    async with alchemy.get_session() as db:
        user = await db.scalar(select(User).where(User.id == user_id, User.is_active.is_(True)))
    # A role changed by an admin ends the old session's powers at once.
    if user is None or user.role.value != session.get("role"):
        return None
    return user


_LOADED = "_session_loaded"


class ChangedOnlySessionBackend(ServerSideSessionBackend):
    """Writes the session row only when the session changed, and gives a new id at sign-in.

    Litestar writes the session on every response, before the request's own transaction commits;
    on SQLite that second writer waits on the first and the request stalls. Sessions change only at
    sign-in and sign-out, so those are the only writes. A fresh id at sign-in defeats session fixation.
    """

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = None
        if session_id := connection.cookies.get(self.config.key):
            data = await self.get(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
        connection.scope.setdefault("state", {})[_LOADED] = data
        return self.deserialize_data(data) if data is not None else {}

    async def store_in_message(self, scope_session: Any, message: Any, connection: ASGIConnection) -> None:
        scope = connection.scope
        loaded = scope.get("state", {}).get(_LOADED)
        old_id = connection.cookies.get(self.config.key)
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = {
            "path": self.config.path, "domain": self.config.domain, "secure": self.config.secure,
            "httponly": self.config.httponly, "samesite": self.config.samesite,
        }
        if scope_session is Empty or not scope_session:
            if old_id and loaded is not None:
                await self.delete(old_id, store=store)
                headers.add("Set-Cookie", Cookie(key=self.config.key, value="null", expires=0, **cookie_params).to_header(header=""))
            return
        data = self.serialize_data(scope_session, scope)
        if data == loaded:
            return
        if old_id and loaded is not None:
            await self.delete(old_id, store=store)
        session_id = self.generate_session_id()
        await self.set(session_id=session_id, data=data, store=store)
        headers.add(
            "Set-Cookie",
            Cookie(key=self.config.key, value=session_id, max_age=self.config.max_age, **cookie_params).to_header(header=""),
        )


class SessionConfig(ServerSideSessionConfig):
    _backend_class = ChangedOnlySessionBackend  # type: ignore[assignment]


PUBLIC_PATHS = ["^/login", "^/static/", "^/lang", "^/healthz", "^/favicon"]


def session_auth(settings: Settings) -> SessionAuth:
    return SessionAuth[User, Any](
        session_backend_config=SessionConfig(
            max_age=settings.session_max_age_s,
            secure=settings.secure_cookies,
            samesite="lax",
            store="sessions",
        ),
        retrieve_user_handler=retrieve_user,
        exclude=PUBLIC_PATHS,
    )


class LoginThrottle:
    """Counts failed sign-ins per client in one-minute windows, in the shared store.

    Kept in the database store rather than in memory so that several app processes share the count.
    """

    def __init__(self, store: NamespacedStore, limit: int) -> None:
        self.store = store
        self.limit = limit

    @staticmethod
    def _key(client: str) -> str:
        return f"{client}:{int(time.time() // 60)}"

    async def failures(self, client: str) -> int:
        raw = await self.store.get(self._key(client))
        return int(raw) if raw else 0

    async def is_blocked(self, client: str) -> bool:
        return await self.failures(client) >= self.limit

    async def record_failure(self, client: str) -> None:
        count = await self.failures(client) + 1
        await self.store.set(self._key(client), str(count).encode(), expires_in=120)
