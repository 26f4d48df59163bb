"""river: online statistics with a Rust core.

``river.stats`` keeps the API of River's statistics module and computes in Rust.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["base", "stats", "utils"]
