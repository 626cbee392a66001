"""Typed configuration loaded from YAML; a bad value names its key in one clear error."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_type_hints

import yaml

from index.lexicon import load_aliases

if TYPE_CHECKING:
    from index.fetch import FetchLimits


class ConfigError(ValueError):
    """A configuration file or value is invalid; the message names the key."""


@dataclass(frozen=True)
class CorpusConfig:
    dir: str = "seeds"
    max_file_bytes: int = 2_000_000
    max_archive_bytes: int = 50_000_000  # an /add archive: compressed, and all members unpacked
    max_archive_files: int = 200  # documents in one /add archive


@dataclass(frozen=True)
class DataConfig:
    path: str = "data/conflictbot.sqlite3"
    refresh_seconds: float = 1.0  # how often a running process looks for a newer generation
    writer_wait_seconds: float = 60.0  # how long a build waits for another process's build


@dataclass(frozen=True)
class SearchConfig:
    top_k: int = 3
    max_results: int = 15
    min_score: float = 0.0
    min_matched_fraction: float = 0.3
    min_relative_score: float = 0.12
    date_boost: float = 0.3
    recent_boost: float = 0.15
    define_boost: float = 0.5
    diversity_ratio: float = 0.5
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    aliases_file: str = ""  # operator's alias table (YAML, format of index/data/aliases.yaml)


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"
    queries: bool = True
    keep_days: int = 30
    salt_file: str = "data/salt"


@dataclass(frozen=True)
class TelegramConfig:
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    moderators: list[int] = field(default_factory=list)
    moderator_chats: list[int] = field(default_factory=list)
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443


@dataclass(frozen=True)
class FloodConfig:
    questions: int = 5
    seconds: int = 30
    buttons: int = 10
    button_seconds: int = 60


@dataclass(frozen=True)
class DiscordConfig:
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = ""
    moderators: list[int] = field(default_factory=list)
    moderator_roles: list[int | str] = field(default_factory=list)
    guilds: list[int] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Role ids only: a role name can be copied by anyone who owns any server.
        for i, role in enumerate(self.moderator_roles):
            text = str(role).strip()
            if not (text.isascii() and text.isdigit() and int(text) > 0):
                raise ConfigError(
                    f"discord.moderator_roles[{i}]: {role!r} is not a role id; role names "
                    "no longer grant moderator rights, list role ids instead (Developer "
                    "Mode → Server Settings → Roles → right-click → Copy Role ID)")

    @property
    def role_ids(self) -> frozenset[int]:
        """The moderator roles as ids."""
        return frozenset(int(str(role).strip()) for role in self.moderator_roles)


@dataclass(frozen=True)
class FetchConfig:
    """Limits for adding an article by URL (`index/fetch.py`)."""

    max_bytes: int = 5_000_000
    timeout_seconds: float = 15.0
    max_redirects: int = 3
    min_words: int = 80
    allow_private: bool = False

    def __post_init__(self) -> None:
        for name in ("max_bytes", "timeout_seconds", "min_words"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"fetch.{name}: must be greater than 0, "
                                  f"got {getattr(self, name)!r}")
        if self.max_redirects < 0:
            raise ConfigError(f"fetch.max_redirects: must not be negative, "
                              f"got {self.max_redirects!r}")

    def limits(self) -> FetchLimits:
        from index.fetch import FetchLimits  # deferred: the extractor is slow to import

        return FetchLimits(max_bytes=self.max_bytes, timeout=self.timeout_seconds,
                           max_redirects=self.max_redirects, min_words=self.min_words)


@dataclass(frozen=True)
class Config:
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    data: DataConfig = field(default_factory=DataConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    flood: FloodConfig = field(default_factory=FloodConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    base_dir: Path = field(default=Path("."), compare=False)

    def resolve(self, relative: str) -> Path:
        """A path from the config, taken relative to the config file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @property
    def corpus_dir(self) -> Path:
        return self.resolve(self.corpus.dir)

    @property
    def db_path(self) -> Path:
        return self.resolve(self.data.path)

    @property
    def salt_path(self) -> Path:
        return self.resolve(self.logging.salt_file)

    @property
    def aliases_path(self) -> Path | None:
        """The operator's alias file, or None when `search.aliases_file` is empty."""
        return self.resolve(self.search.aliases_file) if self.search.aliases_file else None


_POSITIVE = {"top_k", "max_results", "max_file_bytes", "max_archive_bytes", "max_archive_files",
             "questions", "seconds", "buttons",
             "button_seconds", "refresh_seconds",
             "keep_days", "webhook_port"}
_FRACTIONS = {"min_matched_fraction", "b", "min_relative_score"}
_NON_NEGATIVE = {"k1", "epsilon", "min_score", "date_boost", "recent_boost", "define_boost",
                 "diversity_ratio", "writer_wait_seconds"}
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _coerce(key: str, value: Any, kind: Any) -> Any:
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{key}: expected a finite number, got {value!r}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    if kind == int | str:  # an id written as a number or quoted
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(f"{key}: expected an id, got {value!r}")
        return value
    if kind in (list[int], list[str], list[int | str]):
        [item] = get_args(kind)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return [_coerce(f"{key}[{i}]", v, item) for i, v in enumerate(value)]
    raise ConfigError(f"{key}: unsupported setting")  # pragma: no cover - schema bug


def _check_range(key: str, name: str, value: Any) -> None:
    if name in _POSITIVE and value <= 0:
        raise ConfigError(f"{key}: must be greater than 0, got {value!r}")
    if name in _FRACTIONS and not 0.0 <= value <= 1.0:
        raise ConfigError(f"{key}: must be between 0 and 1, got {value!r}")
    if name in _NON_NEGATIVE and value < 0:
        raise ConfigError(f"{key}: must not be negative, got {value!r}")
    if name == "webhook_port" and value > 65535:
        raise ConfigError(f"{key}: must be a port number from 1 to 65535, got {value!r}")
    if name == "level" and str(value).upper() not in _LEVELS:
        raise ConfigError(f"{key}: must be one of {', '.join(sorted(_LEVELS))}")


def _build_section(section: str, cls: type[Any], raw: Any) -> Any:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{section}: expected a mapping of settings, got {raw!r}")
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{section}.{unknown[0]}: unknown setting")
    values = {}
    for name, value in raw.items():
        key = f"{section}.{name}"
        values[name] = _coerce(key, value, hints[name])
        _check_range(key, name, values[name])
    return cls(**values)


def parse_config(raw: Any, base_dir: Path = Path(".")) -> Config:
    """Build a `Config` from parsed YAML, rejecting unknown keys and wrong types."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("config: expected a mapping of sections at the top level")
    sections = {f.name: f for f in dataclasses.fields(Config) if f.name != "base_dir"}
    unknown = sorted(set(raw) - set(sections))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section")
    hints = get_type_hints(Config)
    built = {name: _build_section(name, hints[name], raw.get(name)) for name in sections}
    return Config(**built, base_dir=base_dir)


def load_config(path: str | Path | None = None) -> Config:
    """Load the config file; with no path, `./config.yaml` if it exists, else defaults."""
    if path is None:
        default = Path("config.yaml")
        if not default.exists():
            return Config(base_dir=Path.cwd())
        path = default
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config file {file}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {file}: not UTF-8 text (byte {exc.object[exc.start]:#04x} "
                          f"at offset {exc.start}); save it as UTF-8") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {file}: not valid YAML ({exc})") from None
    config = parse_config(raw, base_dir=file.resolve().parent)
    _check_aliases_file(config)
    return config


def _check_aliases_file(config: Config) -> None:
    """Refuse to start with an operator alias file that is missing or invalid."""
    if config.aliases_path is None:
        return
    try:
        load_aliases(config.aliases_path)
    except ValueError as exc:
        raise ConfigError(f"search.aliases_file: {exc}") from None
