"""Key/value rows behind Litestar's stores: server-side sessions and login throttling."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.store import StoreModelMixin


class StoreItem(StoreModelMixin):
    __tablename__ = "store_items"
