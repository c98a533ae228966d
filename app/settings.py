"""Process settings from the environment, with defaults that let a fresh clone run on SQLite."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(data_dir: Path) -> str:
    """Use SECRET_KEY when given; otherwise keep a generated key beside the database.

    A key that changed on every start would log everybody out and break CSRF tokens in open tabs.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool = False
    port: int = 8000
    upload_dir: Path = field(default=Path())
    session_max_age_s: int = 14 * 24 * 3600
    login_failures_per_minute: int = 5
    secure_cookies: bool = False
    default_locale: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    optimise_seconds: float = 10.0
    # A routing service's road times instead of the great circle: osrm+http://host:5000 or
    # valhalla+http://host:8002 (app.dispatch.table_services.from_url). Empty: great circle.
    travel_service: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("BAOXIU_DATA_DIR", ROOT / "data")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'baoxiu.db'}"
    # PostgreSQL URLs as handed out by hosting providers name no async driver.
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+asyncpg://" + database_url.split("://", 1)[1]
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=env.get("SECRET_KEY") or _secret_key(data_dir),
        debug=env.get("DEBUG", "").lower() in {"1", "true", "yes"},
        port=int(env.get("PORT", "8000")),
        upload_dir=Path(env.get("UPLOAD_DIR", data_dir / "uploads")).resolve(),
        login_failures_per_minute=int(env.get("LOGIN_FAILURES_PER_MINUTE", "5")),
        secure_cookies=env.get("SECURE_COOKIES", "").lower() in {"1", "true", "yes"},
        timezone=env.get("TZ_NAME", "Asia/Shanghai"),
        optimise_seconds=float(env.get("OPTIMISE_SECONDS", "10")),
        travel_service=env.get("TRAVEL_SERVICE", ""),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
