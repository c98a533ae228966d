"""Photo files, served only to someone allowed to see their ticket."""

from __future__ import annotations

from pathlib import Path

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Photo, Ticket
from app.services.ticket_queries import may_see


async def _photo_file(request: Request, db: AsyncSession, photo_id: int, thumb: bool) -> File:
    photo = await db.get(Photo, photo_id)
    ticket = await db.get(Ticket, photo.ticket_id) if photo else None
    # Not allowed and not there look the same: a 404 tells nobody which photo ids exist.
    if photo is None or ticket is None or not await may_see(db, ticket, request.user):
        raise NotFoundException()
    path = Path(request.app.state.settings.upload_dir) / (photo.thumb_name if thumb else photo.stored_name)
    if not path.exists():
        raise NotFoundException()
    return File(path=path, media_type="image/jpeg" if thumb else photo.content_type, content_disposition_type="inline",
                headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


@get("/photos/{photo_id:int}", name="photo")
async def photo(photo_id: int, request: Request, db_session: AsyncSession) -> File:
    return await _photo_file(request, db_session, photo_id, thumb=False)


@get("/photos/{photo_id:int}/thumb", name="photo_thumb")
async def photo_thumb(photo_id: int, request: Request, db_session: AsyncSession) -> File:
    return await _photo_file(request, db_session, photo_id, thumb=True)


route_handlers = [photo, photo_thumb]
