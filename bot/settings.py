"""Every environment variable the bot reads, validated once at start (pydantic-settings).

Nothing reads os.environ elsewhere: commands build a Settings and pass it in.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_INTENTS = Path(__file__).resolve().parent / "intents"  # shipped with the package


def data_dir() -> Path:
    """Where the default SQLite database lives: $XDG_DATA_HOME/thesis-bot, else
    ~/.local/share/thesis-bot. One place per user, whatever the working directory, so `serve`
    and `clock` on one machine share it; never inside the installed package."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "thesis-bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    # The working directory's knowledge/ (a checkout's root, or wherever the team keeps theses).
    knowledge_dir: Path = Field(default_factory=lambda: Path.cwd() / "knowledge",
                                validation_alias="THESIS_KNOWLEDGE_DIR")
    intents_dir: Path = Field(PACKAGE_INTENTS, validation_alias="THESIS_INTENTS_DIR")
    stale_after_days: int = Field(180, ge=1, validation_alias="THESIS_STALE_AFTER_DAYS")
    # Unanswered questions: kept this many days, with who asked only when THESIS_LOG_USERS is set.
    question_retention_days: int = Field(90, ge=1,
                                         validation_alias="THESIS_QUESTION_RETENTION_DAYS")
    log_users: bool = Field(False, validation_alias="THESIS_LOG_USERS")
    cache_dir: Path | None = Field(None, validation_alias="THESIS_CACHE_DIR", validate_default=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None

    # Unset: SQLite in data_dir(), shared by every process of this user on this machine.
    database_url: str = Field("", repr=False, validate_default=True)
    # Set by Heroku-like platforms, where each process (web, clock) has a disk of its own.
    dyno: str | None = Field(None, validation_alias="DYNO")
    port: int = 3000

    @field_validator("cache_dir")
    @classmethod
    def _default_cache(cls, value: Path | None) -> Path | None:
        """THESIS_CACHE_DIR=off disables the engine cache; unset means the user cache folder."""
        if value is None or str(value) in ("", "."):
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            return base / "thesis-bot"
        return None if str(value).lower() in ("off", "none", "0") else value

    @field_validator("database_url")
    @classmethod
    def _heroku_postgres(cls, url: str) -> str:
        """Heroku still hands out `postgres://`; SQLAlchemy wants `postgresql+psycopg://`."""
        if not url:
            return f"sqlite:///{data_dir() / 'thesis-bot.db'}"
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


    @property
    def default_database(self) -> bool:
        """True when DATABASE_URL is unset (SQLite on this machine's disk)."""
        return self.database_url == f"sqlite:///{data_dir() / 'thesis-bot.db'}"


class MissingSetting(Exception):
    def __init__(self, variable: str, why: str) -> None:
        super().__init__(f"{variable} is not set: {why}")
        self.variable = variable


def require_shared_database(settings: Settings) -> None:
    """`serve` and `clock` must see one database. The default SQLite file is shared by every
    process on one machine, but on a platform that gives each process its own disk (DYNO set)
    subscriptions made through `web` would never reach `clock`: refuse, naming the fix."""
    if settings.default_database and settings.dyno:
        from bot import errors

        raise errors.default_database_not_shared(settings.dyno)


def require(settings: Settings, *names: str, why: str = "the Slack app needs it") -> None:
    """Raise MissingSetting naming the first unset variable among `names`."""
    for name in names:
        if getattr(settings, name) is None:
            raise MissingSetting(name.upper(), why)


def describe_problem(exc: BaseException) -> str | None:
    """One line for a bad setting or an unreachable database, naming the variable to fix and
    never echoing its value (it may hold a password). None for anything else."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        return f"{variable} is not valid: {first['msg']}. Fix it in the environment and retry."
    from bot import errors
    from bot.store import is_disk_full

    if type(exc).__module__.startswith("sqlalchemy") and is_disk_full(exc):
        return f"{errors.DATABASE_DISK_FULL}."
    if type(exc).__module__.startswith("sqlalchemy") and type(exc).__name__ in (
        "OperationalError", "ArgumentError", "NoSuchModuleError", "InterfaceError"
    ):
        return ("cannot open the database named by DATABASE_URL: check the URL and that the "
                "server is running.")
    return None
