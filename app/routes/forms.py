"""Reading urlencoded and multipart forms the same way in every handler."""

from __future__ import annotations

from litestar import Request


async def form_dict(request: Request) -> dict[str, str]:
    """Single-valued fields as stripped strings; the CSRF token is not a field of the form."""
    form = await request.form()
    return {
        key: value.strip() if isinstance(value, str) else value
        for key, value in form.items()
        if key != "_csrf_token"
    }


def safe_next(target: str | None, fallback: str) -> str:
    # Only same-site paths: "//evil.example" and "https://..." would turn the login into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
