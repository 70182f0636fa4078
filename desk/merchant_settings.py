"""The merchant's desk settings (time zone, triage rules, deadlines per level, agents' refund limits) from
`desk/data/desk_settings.toml`: a [default] table and per-merchant overrides, read once per file."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import ConfigError, MerchantDeskSettings

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "desk_settings.toml"


@cache
def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"desk settings {path}: {exc}") from exc


class DeskSettingsFile:
    """Settings per merchant: the default table overlaid with the merchant's own, key by key."""

    def __init__(self, path: Path = DEFAULT_FILE) -> None:
        self.path = path

    def for_merchant(self, merchant: str) -> MerchantDeskSettings:
        """Raises ConfigError naming the file when it is malformed or names an unknown time zone."""
        data = _read(self.path)
        merged = dict(data.get("default", {}))
        own = data.get("merchant", {}).get(merchant, {})
        for key, value in own.items():
            if key == "levels":  # per level, so a merchant may change one deadline only
                merged["levels"] = {**merged.get("levels", {}), **value}
            else:
                merged[key] = value
        try:
            settings = MerchantDeskSettings.model_validate({**merged, "merchant": merchant})
            ZoneInfo(settings.timezone)
        except (ValueError, ZoneInfoNotFoundError) as exc:
            raise ConfigError(f"desk settings {self.path} for {merchant!r}: {exc}") from exc
        return settings
