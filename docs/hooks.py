"""MkDocs hook: the API reference, generated at build time from the packages' `__all__`.

Every public name of `river.stats`, `river.stats.base`, `river.utils` and `river.dask` gets a page rendered
by mkdocstrings from its docstring, filed under its family. A name that no family lists fails
the build, so a new class cannot be left out of the reference.
"""

from __future__ import annotations

import pathlib
import typing

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Family title -> (module the names are documented under, names).
FAMILIES: dict[str, tuple[str, list[str]]] = {
    "Means and moments": (
        "river.stats",
        [
            "Mean",
            "Var",
            "SEM",
            "Cov",
            "PearsonCorr",
            "EWMean",
            "EWVar",
            "EWCov",
            "Skew",
            "Kurtosis",
            "Sum",
            "Count",
            "AutoCorr",
            "BayesianMean",
        ],
    ),
    "Extrema": (
        "river.stats",
        [
            "Max",
            "Min",
            "AbsMax",
            "PeakToPeak",
            "RollingMax",
            "RollingMin",
            "RollingAbsMax",
            "RollingPeakToPeak",
            "TimeRollingMax",
            "TimeRollingMin",
            "TimeRollingAbsMax",
            "TimeRollingPeakToPeak",
        ],
    ),
    "Quantiles": (
        "river.stats",
        [
            "Quantile",
            "IQR",
            "MAD",
            "RollingQuantile",
            "RollingIQR",
            "KolmogorovSmirnov",
            "KLLQuantile",
            "TimeRollingQuantile",
            "TimeRollingIQR",
        ],
    ),
    "Hashable values": ("river.stats", ["Mode", "RollingMode", "Entropy", "ChiSquared", "Shift"]),
    "Base classes": (
        "river.stats.base",
        ["Statistic", "Univariate", "Bivariate", "RollingUnivariate", "Link"],
    ),
    "Windows and utils": ("river.utils", ["Rolling", "TimeRolling", "SortedWindow"]),
    "Dask": (
        "river.dask",
        ["fit", "fit_by", "aggregation", "rolling", "known_lengths", "check_mergeable"],
    ),
}

# Names of an __all__ that are not pages of their own: the `base` submodule of river.stats has
# its family, and `Link` is documented once, under the base classes.
NOT_PAGES = {("river.stats", "base"), ("river.stats", "Link")}


def public_names() -> set[tuple[str, str]]:
    import importlib

    names = set()
    for module in ("river.stats", "river.stats.base", "river.utils", "river.dask"):
        names |= {(module, name) for name in importlib.import_module(module).__all__}
    return names - NOT_PAGES


def pages() -> dict[str, list[tuple[str, str]]]:
    """Family -> [(page path, qualified name)], checked against the packages' __all__."""
    listed = {(module, name) for module, names in FAMILIES.values() for name in names}
    public = public_names()
    if missing := sorted(public - listed):
        raise PluginError(f"docs/hooks.py: add {missing} to a family in FAMILIES")
    if stale := sorted(listed - public):
        raise PluginError(f"docs/hooks.py: {stale} are listed in FAMILIES but not public")
    return {
        family: [(f"api/{module.replace('.', '/')}/{name}.md", f"{module}.{name}") for name in names]
        for family, (module, names) in FAMILIES.items()
    }


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    api: list[typing.Any] = [{"Overview": "api/index.md"}]
    for family, entries in pages().items():
        api.append({family: [{path.rsplit("/", 1)[1][:-3]: path} for path, _ in entries]})
    config.nav.append({"API reference": api})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    overview = ["# API reference", ""]
    for family, entries in pages().items():
        overview += [f"## {family}", ""]
        for path, qualname in entries:
            name = qualname.rsplit(".", 1)[1]
            overview.append(f"- [`{name}`]({path.removeprefix('api/')}) (`{qualname}`)")
            files.append(File.generated(config, path, content=f"::: {qualname}\n"))
        overview.append("")
    files.append(File.generated(config, "api/index.md", content="\n".join(overview)))
    # The benchmark plot is shown from where `make bench` writes it, not from a copy.
    files.append(
        File.generated(
            config,
            "performance/rolling_quantile.png",
            abs_src_path=str(ROOT / "benchmarks" / "rolling_quantile.png"),
        )
    )
    return files
