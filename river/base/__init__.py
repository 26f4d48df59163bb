"""Base classes shared by every estimator and statistic."""

from __future__ import annotations

from .base import Base

__all__ = ["Base"]
