"""Utilities: rolling and time-rolling wrappers around statistics, and a sorted window."""

from __future__ import annotations

__all__: list[str] = []
