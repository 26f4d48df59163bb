"""Utilities: rolling and time-rolling wrappers around statistics, and a sorted window."""

from __future__ import annotations

from .rolling import Rolling, TimeRolling
from .sorted_window import SortedWindow

__all__: list[str] = ["Rolling", "SortedWindow", "TimeRolling"]
