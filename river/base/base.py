from __future__ import annotations

import copy
import inspect
import sys
import typing

if typing.TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Base"]


def _is_class_param(param: typing.Any) -> bool:
    return (
        isinstance(param, tuple)
        and len(param) == 2
        and inspect.isclass(param[0])
        and isinstance(param[1], dict)
    )


def _clone_param(value: typing.Any, param: tuple, include_attributes: bool) -> typing.Any:
    """A parameter that is itself an object with parameters, cloned (with its fitted state when
    `include_attributes`, which River does not pass down)."""
    if include_attributes:
        return value.clone(param[1], include_attributes=True)
    return value.clone(param[1])


class Base:
    """Base class of every river object.

    Every constructor argument is stored as an attribute of the same name, which is what lets
    `_get_params` read the parameters back and `clone` build a fresh object from them.

    Examples
    --------

    >>> from river import stats
    >>> mean = stats.EWMean(fading_factor=0.3)
    >>> mean.update(4.0)
    >>> fresh = mean.clone()
    >>> fresh.fading_factor, fresh.get()
    (0.3, 0.0)

    References
    ----------
    [^1]: [River's base classes](https://riverml.xyz/latest/api/base/Base/)

    """

    def __str__(self) -> str:
        return self.__class__.__name__

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        """Parameters to build instances with in unit tests (defaults where there are any)."""
        yield {}

    def _get_params(self) -> dict[str, typing.Any]:
        """Return the parameters that were used during initialization."""
        params: dict[str, typing.Any] = {}
        for name, param in inspect.signature(self.__init__).parameters.items():  # type: ignore[misc]
            if param.kind == param.VAR_POSITIONAL:
                positional = getattr(self, name, None)
                if positional:
                    params["_POSITIONAL_ARGS"] = positional
                continue
            if param.kind == param.VAR_KEYWORD:
                for key, value in getattr(self, name, {}).items():
                    params[key] = (value.__class__, value._get_params()) if isinstance(value, Base) else value
                continue
            attr = getattr(self, name)
            params[name] = (attr.__class__, attr._get_params()) if isinstance(attr, Base) else attr
        return params

    def clone(
        self, new_params: dict[str, typing.Any] | None = None, include_attributes: bool = False
    ) -> Self:
        """Return a fresh object with the same parameters, not updated with any data.

        Parameters
        ----------
        new_params
            Parameters to change in the clone.
        include_attributes
            Whether the fitted state should also be copied: attributes that are not
            constructor parameters and, for Rust-backed statistics, the state held in Rust.
            Parameters that are objects themselves (a `Link`'s statistics) keep theirs too.
            With `new_params`, parameters read only when computing the value (`ddof`,
            `fading_factor`, ...) apply to the copied state; changing one that shapes it
            (`window_size`, `q`, `lag`, ...) raises ValueError.

        """
        params = self._get_params()
        params.update(new_params or {})
        positional = params.pop("_POSITIONAL_ARGS", [])
        built = {
            name: _clone_param(getattr(self, name), param, include_attributes)
            if _is_class_param(param)
            else copy.deepcopy(param)
            for name, param in params.items()
        }
        clone = self.__class__(*positional, **built)
        if include_attributes:
            # A Rust-backed statistic keeps its fitted state in Rust, not in `__dict__`: the
            # core carries it over under the clone's parameters (or refuses, for parameters
            # that shape it).
            adopt = getattr(clone, "_adopt", None)
            if adopt is not None:
                adopt(self)
            for attr, value in getattr(self, "__dict__", {}).items():
                if attr not in params:
                    setattr(clone, attr, copy.deepcopy(value))
        return clone

    def _raw_memory_usage(self) -> int:
        """Bytes held by this object, its attributes and, through `__sizeof__`, its Rust state."""
        seen: set[int] = set()
        stack: list[typing.Any] = [self]
        size = 0
        while stack:
            obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            size += sys.getsizeof(obj)
            if isinstance(obj, dict):
                stack.extend(obj.keys())
                stack.extend(obj.values())
            elif isinstance(obj, (list, tuple, set, frozenset)):
                stack.extend(obj)
            elif hasattr(obj, "__dict__"):
                stack.append(vars(obj))
        return size

    @property
    def _memory_usage(self) -> str:
        """Human-readable memory usage, counting the memory held on the Rust side."""
        size = float(self._raw_memory_usage())
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:.2f} {unit}"
            size /= 1024
        return f"{size:.2f} GB"  # pragma: no cover
