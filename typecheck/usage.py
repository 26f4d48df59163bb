"""What a user of `river.stats` types, checked by `mypy --strict` and pyright (strict).

`make lint` type-checks this file as a user's code (river's own modules are not reported
here) and runs it, so every line is also true at run time. `assert_type` is a no-op when run;
for the type checkers it fails unless the inferred type is exactly the one written.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import numpy.typing as npt
from typing_extensions import assert_type

from river import stats, utils

# The README's examples.
rq = stats.RollingQuantile(q=0.5, window_size=3)
assert_type(rq, stats.RollingQuantile)
for x in [5, 1, 4, 2]:
    rq.update(x)
assert_type(rq.get(), float | None)
assert rq.get() == 2.0
assert_type(rq.window_size, int)
assert_type(rq.q, float)

ewm = stats.EWMean(0.5)
assert_type(ewm, stats.EWMean)
acc = ewm.accumulate(np.array([1.0, 3.0, 5.0]))
assert_type(acc, npt.NDArray[np.float64])
assert acc.tolist() == [1.0, 2.0, 3.5]
assert_type(ewm.get(), float)
assert_type(ewm.fading_factor, float)

# Batches: numpy arrays, lists and other iterables.
ptp = stats.PeakToPeak()
ptp.update_many(np.array([1.0, -4.0, 3.0]))
ptp.update_many([2, 8])
ptp.update_many(float(x) for x in range(3))
assert ptp.get() == 12.0
assert_type(stats.RollingIQR(window_size=10).accumulate([1.0, 2.0]), npt.NDArray[np.float64])
assert_type(stats.Var().accumulate(np.arange(5.0)), npt.NDArray[np.float64])
assert_type(stats.Count().accumulate(["a", "b"]), npt.NDArray[np.float64])

# Weighted updates, revert and the values' types.
mean = stats.Mean()
mean.update(1.0, w=3.0)
mean.update(5.0)
mean.revert(5.0)
assert_type(mean.get(), float)
assert_type(mean.n, float)
var = stats.Var(ddof=1)
assert_type(var.get(), float | None)
assert_type(var.ddof, int)
assert_type(stats.Count().get(), int)
cov = stats.Cov()
cov.update(1.0, 2.0)
assert_type(cov.get(), float)

# Merging with + (and -, +=, -=) keeps the class.
a, b = stats.Mean(), stats.Mean()
a.update_many([1, 2, 3])
b.update_many([10, 20])
merged = a + b
assert_type(merged, stats.Mean)
assert merged.get() == 7.2
assert_type(merged - b, stats.Mean)
a += b
assert_type(a, stats.Mean)
assert_type(stats.Var() + stats.Var(), stats.Var)
assert_type(stats.Cov() + stats.Cov(), stats.Cov)
assert_type(stats.Max() + stats.Max(), stats.Max)
assert_type(stats.Count() - stats.Count(), stats.Count)
assert_type(stats.KolmogorovSmirnov() + stats.KolmogorovSmirnov(), stats.KolmogorovSmirnov)
assert_type(stats.Mode(k=-1) + stats.Mode(k=-1), stats.Mode)

# Pickling round trip: pickle.loads gives Any, so the user says what they expect.
restored: stats.RollingQuantile = pickle.loads(pickle.dumps(rq))
assert restored.get() == rq.get()
assert_type(copy.deepcopy(rq), stats.RollingQuantile)

# clone: a fresh statistic of the same class and parameters.
fresh = ewm.clone()
assert_type(fresh, stats.EWMean)
assert fresh.fading_factor == 0.5
assert_type(rq.clone({"q": 0.9}), stats.RollingQuantile)


# The base classes a user writes functions against, and links.
def last_values(stat: stats.base.Univariate, xs: list[float]) -> npt.NDArray[np.float64]:
    return np.asarray(stat.accumulate(xs), dtype=np.float64)


assert last_values(stats.Max(), [1.0, 3.0, 2.0]).tolist() == [1.0, 3.0, 3.0]
link = stats.PeakToPeak() | stats.EWMean(0.5)
assert_type(link, stats.Link)

# The Python classes over hashable values.
mode = stats.Mode()
mode.update("a")
assert mode.get() == "a"

# river.utils
rolling = utils.Rolling(stats.Mean, window_size=2)
assert_type(rolling, utils.Rolling)
for value in [1.0, 2.0, 3.0]:
    rolling.update(value)
assert rolling.get() == 2.5
window = utils.SortedWindow(size=2)
window.append(3)
window.append(1)
assert list(window) == [1, 3]
