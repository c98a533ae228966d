"""Friendly error pages in the user's language; never a stack trace, never someone else's data."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import gettext as _

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("There is nothing here. It may have been moved or closed.")),
        405: (_("Not allowed"), _("This action is not possible here.")),
        429: (_("Too many attempts"), _("Too many failed sign-ins from this device. Wait a minute and try again.")),
        500: (_("Something went wrong"), _("The error has been logged. Please try again in a moment.")),
    }


def error_page(request: Request, status_code: int, detail: str | None = None) -> Response:
    titles = _titles()
    title, message = titles.get(status_code, titles[500] if status_code >= 500 else titles[400])
    return Template(
        template_name="errors/error.html",
        context={"status_code": status_code, "title": title, "message": detail or message},
        status_code=status_code,
    )


def handle_not_authorized(request: Request, _exc: NotAuthorizedException) -> Response:
    target = "/login?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if isinstance(request, HTMXRequest) and request.htmx:
        # A fragment request cannot follow a redirect usefully: make the whole page go to the login.
        return Response(content="", status_code=200, headers={"HX-Redirect": target})
    return Redirect(path=target)


def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 401:
        return handle_not_authorized(request, exc)  # type: ignore[arg-type]
    detail = None
    if exc.status_code == 403 and "csrf" in str(exc.detail).lower():
        detail = _("This form has expired. Go back, reload the page and submit it again.")
    return error_page(request, exc.status_code, detail)


def handle_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)
