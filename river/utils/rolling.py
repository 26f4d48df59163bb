from __future__ import annotations

import bisect
import collections
import copy
import datetime as dt
import inspect
import typing
import warnings

import numpy as np

__all__ = ["Rolling", "TimeRolling"]

_INSTANCE_DEPRECATION = (
    "Passing an instance to utils.{cls} is deprecated and will be removed in a future release. "
    "Pass the class and forward constructor kwargs instead, "
    "e.g. utils.{cls}(stats.Mean, {window_kw}=...) "
    "or utils.{cls}(stats.Var, {window_kw}=..., ddof=0)."
)


def _build(wrapper: str, window_kw: str, cls: typing.Any, kwargs: dict[str, typing.Any]) -> typing.Any:
    """The wrapped object: `cls(**kwargs)`, or (deprecated) `cls` itself when it is an instance."""
    if inspect.isclass(cls):
        obj = cls(**kwargs)
    else:
        if kwargs:
            raise TypeError(
                f"utils.{wrapper} received constructor kwargs alongside a pre-built instance. "
                f"Pass the class instead, e.g. utils.{wrapper}(stats.Var, {window_kw}=..., ddof=0)."
            )
        warnings.warn(
            _INSTANCE_DEPRECATION.format(cls=wrapper, window_kw=window_kw), DeprecationWarning, stacklevel=3
        )
        obj = cls
    if not (callable(getattr(obj, "update", None)) and callable(getattr(obj, "revert", None))):
        message = f"{obj} does not satisfy the necessary protocol: it needs update and revert methods"
        instead = _WINDOWED.get(type(obj).__name__)
        if instead is not None and type(obj).__module__.startswith("river.stats"):
            prefix = "TimeRolling" if wrapper == "TimeRolling" else "Rolling"
            message += f"; use stats.{prefix}{instead} instead"
        raise ValueError(message)
    return obj


# Statistics without `revert` that have a windowed class of their own: the refusal names it.
_WINDOWED = {
    "Quantile": "Quantile",
    "IQR": "IQR",
    "Max": "Max",
    "Min": "Min",
    "AbsMax": "AbsMax",
    "PeakToPeak": "PeakToPeak",
}


def _rebuilt(wrapper: typing.Any, new_params: dict[str, typing.Any]) -> typing.Any:
    params = wrapper._get_params()
    params.update(new_params)
    if not inspect.isclass(params["cls"]):
        params["cls"] = type(params["cls"])  # a class, so the deprecated path is not taken again
    return type(wrapper)(**params)


class BaseRolling:
    """What the rolling wrappers share: attributes, `repr` and indexing go to the wrapped object."""

    obj: typing.Any
    _cls: typing.Any
    _kwargs: dict[str, typing.Any]

    def __getattr__(self, name: str) -> typing.Any:
        # Only reached when normal lookup fails. Special names are not forwarded, so that copy
        # and pickle see the wrapper's own protocol, never the wrapped object's; `obj` may be
        # missing while an instance is being unpickled.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        try:
            obj = object.__getattribute__(self, "obj")
        except AttributeError:
            raise AttributeError(name) from None
        return getattr(obj, name)

    def __getitem__(self, idx: typing.Any) -> typing.Any:
        return self.obj[idx]

    def __repr__(self) -> str:
        return repr(self.obj)

    def _fresh_obj(self) -> typing.Any:
        if self._cls is not None:
            return self._cls(**self._kwargs)
        # Built from an instance (deprecated): start again from its parameters.
        return self.obj.clone() if hasattr(self.obj, "clone") else type(self.obj)()

    def _clone_fitted(self, new_params: dict[str, typing.Any], span: str) -> typing.Any:
        """A copy holding the same window and the wrapped object's fitted state, with `new_params`
        applied to the wrapped object. The window's span (`span`) and the wrapped class shape
        what was fitted, so changing them is refused."""
        params = self._get_params()
        for name in ("cls", span):
            if name in new_params and new_params[name] != params[name]:
                raise ValueError(
                    f"{type(self).__name__} cannot keep its fitted state under a new {name}: "
                    "use clone(new_params) without include_attributes"
                )
        changed = {k: v for k, v in new_params.items() if k not in ("cls", span)}
        fitted = copy.deepcopy(self)
        if changed:
            if not hasattr(self.obj, "clone"):
                raise ValueError(
                    f"{type(self.obj).__name__} has no clone method: its fitted state cannot be "
                    "kept under new parameters"
                )
            fitted.obj = self.obj.clone(changed, include_attributes=True)
            fitted._kwargs.update(changed)
        return fitted

    def update_many(self, xs: typing.Iterable) -> None:
        """Call `update(x)` for every `x` of `xs`, in order."""
        for x in xs:
            self.update(x)  # type: ignore[attr-defined]

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:
        """Call `update(x)` for every `x` of `xs` and return the value after each one.

        A float64 array (None becomes NaN), or an object array when a value is not a number.
        """
        from river.stats import _hashable

        out = []
        for x in xs:
            self.update(x)  # type: ignore[attr-defined]
            out.append(self.obj.get())
        return _hashable.values_array(out)


class Rolling(BaseRolling):
    """A generic wrapper for performing rolling computations.

    This can be wrapped around any class whose instances implement both an ``update`` and a
    ``revert`` method. The wrapped class is instantiated internally; any extra keyword
    arguments are forwarded to its constructor. The arguments of each ``update`` call are kept
    in a queue; once it holds `window_size` calls, the oldest call is reverted before each new
    update. Other attributes (``get``, ``name``...) are those of the wrapped object.

    If the wrapped object's ``update`` raises, the reverted call is applied again and the
    window is left as it was, so a rejected value does not shrink the window.

    Parameters
    ----------
    cls
        A class whose instances implement ``update`` and ``revert``. Passing a pre-built
        instance is deprecated and will be removed in a future release.
    window_size
        Size of the window, at least 1.
    **kwargs
        Forwarded to ``cls`` when instantiating the wrapped object.

    Examples
    --------

    A rolling Chi-squared statistic over the last four pairs:

    >>> from river import stats, utils

    >>> chi2 = utils.Rolling(stats.ChiSquared, window_size=4)
    >>> for x, y in [("A", 0), ("A", 0), ("B", 1), ("B", 1), ("C", 0)]:
    ...     chi2.update(x, y)
    ...     print(chi2)
    ChiSquared: 0.
    ChiSquared: 0.
    ChiSquared: 3.
    ChiSquared: 4.
    ChiSquared: 4.
    >>> chi2.window_size, chi2.name, chi2.n
    (4, 'chi_squared', 4)

    Any class with ``update`` and ``revert`` can be wrapped:

    >>> class Sum:
    ...     def __init__(self, start=0):
    ...         self.total = start
    ...     def update(self, x):
    ...         self.total += x
    ...     def revert(self, x):
    ...         self.total -= x
    ...     def get(self):
    ...         return self.total

    >>> rsum = utils.Rolling(Sum, window_size=3, start=100)
    >>> for x in [1, 3, 5, 7]:
    ...     rsum.update(x)
    ...     print(rsum.get())
    101
    104
    109
    115

    References
    ----------
    [^1]: [River's Rolling](https://riverml.xyz/latest/api/utils/Rolling/)

    """

    def __init__(self, cls: typing.Any, window_size: int, **kwargs: typing.Any) -> None:
        if isinstance(window_size, bool) or not isinstance(window_size, int):
            raise TypeError(f"window_size must be an int, got {type(window_size).__name__}")
        if window_size < 1:
            raise ValueError(f"window_size must be at least 1, got {window_size}")
        self.obj = _build("Rolling", "window_size", cls, kwargs)
        self._cls = cls if inspect.isclass(cls) else None
        self._kwargs = dict(kwargs)
        self._window_size = window_size
        self.window: collections.deque[tuple[tuple, dict[str, typing.Any]]] = collections.deque(
            maxlen=window_size
        )

    @property
    def window_size(self) -> int:
        return self._window_size

    def update(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        window = self.window
        if len(window) == self._window_size:
            old_args, old_kwargs = window[0]
            self.obj.revert(*old_args, **old_kwargs)
            try:
                self.obj.update(*args, **kwargs)
            except BaseException:
                self.obj.update(*old_args, **old_kwargs)
                raise
        else:
            self.obj.update(*args, **kwargs)
        window.append((args, kwargs))

    def _get_params(self) -> dict[str, typing.Any]:
        cls = self._cls if self._cls is not None else self.obj
        return {"cls": cls, "window_size": self._window_size, **self._kwargs}

    def clone(
        self, new_params: dict[str, typing.Any] | None = None, include_attributes: bool = False
    ) -> Rolling:
        """A fresh wrapper with the same class, window size and arguments, fed nothing.

        `new_params` changes some of them, e.g. `{"window_size": 10}`. With `include_attributes`, the
        clone keeps the window and the wrapped object's fitted state; then `new_params` may
        only change the wrapped class's arguments (not `cls` nor `window_size`).
        """
        if include_attributes:
            return self._clone_fitted(new_params or {}, "window_size")
        if new_params:
            return _rebuilt(self, new_params)
        fresh = object.__new__(type(self))
        fresh.__dict__.update(self.__dict__)
        fresh.obj = self._fresh_obj()
        fresh.window = collections.deque(maxlen=self._window_size)
        return fresh


class TimeRolling(BaseRolling):
    """A generic wrapper for performing time rolling computations.

    This can be wrapped around any class whose instances implement both an ``update`` and a
    ``revert`` method. The wrapped class is instantiated internally; any extra keyword
    arguments are forwarded to its constructor. Each ``update`` carries a time `t`; events are
    kept sorted by time, and when `t` is later than every time seen before, the events at or
    before `t - period` are reverted.

    Events may arrive out of order. As in River, an event whose `t` is not later than the latest
    time seen is added without reverting anything, even when it is older than
    `latest - period`: it is reverted at the next update that moves the latest time forward.

    Parameters
    ----------
    cls
        A class whose instances implement ``update`` and ``revert``. Passing a pre-built
        instance is deprecated and will be removed in a future release.
    period
        A duration of time, expressed as a `datetime.timedelta`.
    **kwargs
        Forwarded to ``cls`` when instantiating the wrapped object.

    Examples
    --------

    A rolling sum over a period of 3 days:

    >>> import datetime as dt
    >>> from river import utils

    >>> class Sum:
    ...     def __init__(self):
    ...         self.total = 0
    ...     def update(self, x):
    ...         self.total += x
    ...     def revert(self, x):
    ...         self.total -= x
    ...     def get(self):
    ...         return self.total

    >>> X = {
    ...     dt.datetime(2019, 1, 1): 1,
    ...     dt.datetime(2019, 1, 2): 5,
    ...     dt.datetime(2019, 1, 3): 9,
    ...     dt.datetime(2019, 1, 4): 13
    ... }

    >>> rsum = utils.TimeRolling(Sum, period=dt.timedelta(days=3))
    >>> for t, x in X.items():
    ...     rsum.update(x, t=t)
    ...     print(rsum.get())
    1
    6
    15
    27

    References
    ----------
    [^1]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, cls: typing.Any, period: dt.timedelta, **kwargs: typing.Any) -> None:
        self.obj = _build("TimeRolling", "period", cls, kwargs)
        self._cls = cls if inspect.isclass(cls) else None
        self._kwargs = dict(kwargs)
        self.period = period
        self._timestamps: list[typing.Any] = []
        self._datum: list[tuple[tuple, dict[str, typing.Any]]] = []
        self._latest: typing.Any = None

    def update(self, *args: typing.Any, t: dt.datetime, **kwargs: typing.Any) -> None:
        # Everything that can fail on a bad `t` (comparisons, subtraction) runs before any change.
        i = bisect.bisect_left(self._timestamps, t)
        advance = self._latest is None or t > self._latest
        cutoff = t - self.period if advance else None
        self.obj.update(*args, **kwargs)
        self._timestamps.insert(i, t)
        self._datum.insert(i, (args, kwargs))
        if not advance:
            return
        self._latest = t
        expired = 0
        for ti, (old_args, old_kwargs) in zip(self._timestamps, self._datum):  # noqa: B905
            if ti > cutoff:
                break
            self.obj.revert(*old_args, **old_kwargs)
            expired += 1
        if expired:
            del self._timestamps[:expired]
            del self._datum[:expired]

    def update_many(self, xs: typing.Iterable) -> None:  # pragma: no cover - needs a time per value
        raise TypeError("TimeRolling needs a time per value: call update(x, t=...)")

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:  # pragma: no cover
        raise TypeError("TimeRolling needs a time per value: call update(x, t=...)")

    def _get_params(self) -> dict[str, typing.Any]:
        cls = self._cls if self._cls is not None else self.obj
        return {"cls": cls, "period": self.period, **self._kwargs}

    def clone(
        self, new_params: dict[str, typing.Any] | None = None, include_attributes: bool = False
    ) -> TimeRolling:
        """A fresh wrapper with the same class, period and arguments, fed nothing.

        `new_params` changes some of them, e.g. `{"period": datetime.timedelta(hours=1)}`. With `include_attributes`, the
        clone keeps the window and the wrapped object's fitted state; then `new_params` may
        only change the wrapped class's arguments (not `cls` nor `period`).
        """
        if include_attributes:
            return self._clone_fitted(new_params or {}, "period")
        if new_params:
            return _rebuilt(self, new_params)
        fresh = object.__new__(type(self))
        fresh.__dict__.update(self.__dict__)
        fresh.obj = self._fresh_obj()
        fresh._timestamps, fresh._datum, fresh._latest = [], [], None
        return fresh
