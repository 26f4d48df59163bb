"""Builds the Rust extension `river.stats._rust_stats` with setuptools-rust.

Project metadata lives in pyproject.toml. The wheel is abi3 (CPython >= 3.10 limited API).
SETUPTOOLS_RUST_CARGO_PROFILE=fast selects the no-LTO profile of Cargo.toml for the edit loop.
"""

from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    rust_extensions=[
        RustExtension(
            "river.stats._rust_stats",
            path="Cargo.toml",
            binding=Binding.PyO3,
            features=["python"],
            py_limited_api="auto",
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp310"}},
    zip_safe=False,
)
