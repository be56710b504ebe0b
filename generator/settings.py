"""Values read from the environment, each checked: a bad one is a clear message, never a traceback.

- ``PROCGEN_TODAY`` (YYYY-MM-DD): the day the checks take as today (tests, reproducible reviews);
- ``SOURCE_DATE_EPOCH`` (seconds since 1970, reproducible-builds.org): the date written into PDFs.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from generator.errors import UserError

MAX_EPOCH = 253_402_300_799
"""9999-12-31T23:59:59Z: the last second a PDF date can hold."""


class SettingError(UserError, ValueError):
    """An environment variable holds a value procgen cannot use; the message says which and why."""


def today() -> dt.date:
    """Today, or PROCGEN_TODAY (YYYY-MM-DD) so that checks are repeatable."""
    fixed = os.environ.get("PROCGEN_TODAY", "").strip()
    if not fixed:
        return dt.date.today()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fixed):
        raise SettingError(f'环境变量 PROCGEN_TODAY 须为日期 YYYY-MM-DD，而不是 "{fixed[:40]}"')
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise SettingError(f'环境变量 PROCGEN_TODAY 不是有效的日期："{fixed}"') from None


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, or None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    # ASCII digits only: "²".isdigit() is true, and int("²") fails.
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > MAX_EPOCH:
        raise SettingError(f'环境变量 SOURCE_DATE_EPOCH 须为 0 到 {MAX_EPOCH} 之间的整数秒数，而不是 "{value[:40]}"')
    return dt.datetime.fromtimestamp(int(value), dt.UTC)


def check_all() -> None:
    """Raise :class:`SettingError` for the first bad setting, before any work starts."""
    today()
    source_date_epoch()
