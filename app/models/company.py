"""Company settings that admins edit in the app, one JSON value per key."""

from __future__ import annotations

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class CompanySetting(BigIntAuditBase):
    __tablename__ = "company_settings"

    key: Mapped[str] = mapped_column(String(50), unique=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
