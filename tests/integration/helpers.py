"""Small helpers for tests that go through the app and then look in the database."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.conftest import csrf


def db_session(settings) -> Session:  # noqa: ANN001
    return Session(create_engine(settings.database_url.replace("+aiosqlite", "")))


def jpeg(size=(640, 480), color=(40, 120, 200)) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def ticket_number(response) -> str:  # noqa: ANN001
    return response.url.path.rstrip("/").split("/")[-1]


def post(client, path: str, data: dict, files=None):  # noqa: ANN001, ANN201
    return client.post(path, data={**data, "_csrf_token": csrf(client)}, files=files)
