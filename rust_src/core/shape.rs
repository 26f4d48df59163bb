//! Skewness and kurtosis, on watermill's `Skew` and `Kurtosis`.
//!
//! watermill keeps the third and fourth central moments with Welford/Terriberry updates and
//! applies scipy's bias corrections (Fisher-Pearson skewness, Fisher's excess kurtosis), so
//! its structs are used as they are. Their fields are public, which is what lets a pickled
//! state be rebuilt and re-checked here.
//!
//! For a constant stream (second moment exactly 0) scipy answers NaN; River 0.26.1, and so
//! this module, answers 0.0 for the skewness and `-3`, or the bias-corrected value of a zero
//! kurtosis, for the kurtosis.

use serde::{Deserialize, Serialize};
use watermill::count::Count as WCount;
use watermill::kurtosis::Kurtosis as WKurtosis;
use watermill::moments::CentralMoments;
use watermill::skew::Skew as WSkew;

use super::moments::{same_param, Merge, Unmerge};
use super::state::Persist;
use crate::error::{Result, StatsError};

/// The moments as stored in a pickle: plain numbers, checked before use.
#[derive(Serialize, Deserialize)]
pub struct MomentsState {
    n: f64,
    mean: f64,
    delta: f64,
    m1: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

fn moments_to_state(c: &CentralMoments<f64>) -> MomentsState {
    MomentsState {
        n: c.count.count,
        mean: c.sum_delta,
        delta: c.delta,
        m1: c.m1,
        m2: c.m2,
        m3: c.m3,
        m4: c.m4,
    }
}

/// Rebuilds the moments, refusing what no stream of non-NaN values can produce. NaN moments
/// are accepted once a count is positive: an infinite input legitimately leads there.
fn moments_from_state(s: MomentsState) -> Result<CentralMoments<f64>> {
    if !(s.n >= 0.0 && s.n.is_finite() && s.n.fract() == 0.0) {
        return Err(StatsError::corrupt(format!(
            "count must be a non-negative integer, got {}",
            s.n
        )));
    }
    let values = [s.mean, s.delta, s.m1, s.m2, s.m3, s.m4];
    if s.n == 0.0 && values.iter().any(|v| *v != 0.0) {
        return Err(StatsError::corrupt("moments of an empty stream must be 0"));
    }
    // The even moments are not checked for sign: extreme finite inputs overflow to -inf
    // in the update, and a state the statistic produced must load again.
    Ok(CentralMoments {
        delta: s.delta,
        sum_delta: s.mean,
        m1: s.m1,
        m2: s.m2,
        m3: s.m3,
        m4: s.m4,
        count: WCount { count: s.n },
    })
}

/// Pebay (2008), eq. 3.1: the central moments of two streams `a` and `b` combined, from
/// theirs. `fourth` says whether the fourth moment is kept (a skewness keeps it at 0).
fn combine(a: &CentralMoments<f64>, b: &CentralMoments<f64>, fourth: bool) -> CentralMoments<f64> {
    let (na, nb) = (a.count.count, b.count.count);
    if nb == 0.0 {
        return *a;
    }
    if na == 0.0 {
        return *b;
    }
    let n = na + nb;
    let d = b.sum_delta - a.sum_delta;
    let (d2, nn) = (d * d, n * n);
    let mut out = *a;
    out.m2 = a.m2 + b.m2 + d2 * na * nb / n;
    out.m3 =
        a.m3 + b.m3 + d2 * d * na * nb * (na - nb) / nn + 3.0 * d * (na * b.m2 - nb * a.m2) / n;
    if fourth {
        out.m4 = a.m4
            + b.m4
            + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (nn * n)
            + 6.0 * d2 * (na * na * b.m2 + nb * nb * a.m2) / nn
            + 4.0 * d * (na * b.m3 - nb * a.m3) / n;
    }
    out.sum_delta = a.sum_delta + d * nb / n;
    out.count.count = n;
    out
}

/// The inverse of `combine`: the central moments of the stream `a` that, combined with `b`,
/// gives `total`. The same equations solved backward, in the order they can be: the count and
/// mean, then the second, third and fourth moments (each needs the ones before it).
///
/// Exact algebra, but not always well conditioned: the moments of the remainder come out of
/// subtractions of the total's, so they carry the rounding of the total (about 1e-16 times
/// its moments). Skewness and kurtosis are ratios of moments (`m3 / m2^1.5`, `m4 / m2^2`),
/// so their error grows with how much the total's spread exceeds the remainder's: with
/// kappa = M2_total / M2_a, up to about n * 2e-13 * kappa^1.5 relative for the skewness and
/// n * 2e-13 * kappa^2 for the kurtosis (the worst seen over 40,000 random splits; n * 1e-16
/// times the same is typical). A remainder whose second moment is within its rounding of zero
/// (`uncombine_floor`) cannot be told from a constant stream, and is given the moments of one
/// (0 for m2, m3, m4: skewness 0, kurtosis -3, as a constant stream fed directly); otherwise
/// the rounding would turn into any value at all (1e16 was seen for a constant remainder).
fn uncombine(
    total: &CentralMoments<f64>,
    b: &CentralMoments<f64>,
    fourth: bool,
) -> Result<CentralMoments<f64>> {
    let (n, nb) = (total.count.count, b.count.count);
    if nb > n {
        return Err(StatsError::InvalidOperation(format!(
            "cannot take {nb} values out of moments of {n}"
        )));
    }
    if nb == 0.0 {
        return Ok(*total);
    }
    let mut out = *total;
    let na = n - nb;
    if na == 0.0 {
        out.sum_delta = 0.0;
        out.m1 = 0.0;
        out.m2 = 0.0;
        out.m3 = 0.0;
        out.m4 = 0.0;
        out.delta = 0.0;
        out.count.count = 0.0;
        return Ok(out);
    }
    let mean_a = (n * total.sum_delta - nb * b.sum_delta) / na;
    let d = b.sum_delta - mean_a;
    let (d2, nn) = (d * d, n * n);
    let spread = d2 * na * nb / n;
    let m2 = total.m2 - b.m2 - spread;
    // The rounding the recovered second moment can carry: n updates of the total, each
    // rounding at the scale of the moments subtracted here and of the deviations from a mean
    // held at the data's location, and the rounding of the recovered mean through `spread`.
    // A remainder below it is indistinguishable from a constant stream.
    let floor = uncombine_floor(total, b, spread, d);
    out.sum_delta = mean_a;
    out.count.count = na;
    if floor.is_finite() && m2.abs() <= floor {
        out.m2 = 0.0;
        out.m3 = 0.0;
        out.m4 = 0.0;
        return Ok(out);
    }
    out.m2 = m2;
    out.m3 =
        total.m3 - b.m3 - d2 * d * na * nb * (na - nb) / nn - 3.0 * d * (na * b.m2 - nb * m2) / n;
    if fourth {
        out.m4 = total.m4
            - b.m4
            - d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (nn * n)
            - 6.0 * d2 * (na * na * b.m2 + nb * nb * m2) / nn
            - 4.0 * d * (na * b.m3 - nb * out.m3) / n;
    }
    Ok(out)
}

/// The rounding error the second moment recovered by `uncombine` can carry, worst case:
/// `4 n eps (S + L (sqrt(n S) + |d| nb))`, with `S` the moments subtracted, `L` the
/// location of the data (a mean is held to `eps * L`), `d` the recovered difference of means.
fn uncombine_floor(
    total: &CentralMoments<f64>,
    b: &CentralMoments<f64>,
    spread: f64,
    d: f64,
) -> f64 {
    let (n, nb) = (total.count.count, b.count.count);
    let moments = total.m2.abs() + b.m2.abs() + spread;
    let location = total.sum_delta.abs() + b.sum_delta.abs();
    4.0 * n * f64::EPSILON * (moments + location * ((n * moments).sqrt() + d.abs() * nb))
}

/// The merge of a watermill statistic on `central_moments`, and its inverse, refused when
/// `bias` differs.
macro_rules! moments_merge {
    ($name:ty, fourth = $fourth:expr) => {
        impl Merge for $name {
            fn merge(&mut self, other: &Self) -> Result<()> {
                same_param("bias", self.inner.bias, other.inner.bias)?;
                let (a, b) = (&self.inner.central_moments, &other.inner.central_moments);
                self.inner.central_moments = combine(a, b, $fourth);
                Ok(())
            }
        }

        impl Unmerge for $name {
            fn unmerge(&mut self, other: &Self) -> Result<()> {
                same_param("bias", self.inner.bias, other.inner.bias)?;
                let (total, b) = (&self.inner.central_moments, &other.inner.central_moments);
                self.inner.central_moments = uncombine(total, b, $fourth)?;
                Ok(())
            }
        }
    };
}

moments_merge!(Skew, fourth = false);
moments_merge!(Kurtosis, fourth = true);

/// Running skewness (Fisher-Pearson; corrected for bias unless `bias`).
#[derive(Debug, Clone)]
pub struct Skew {
    inner: WSkew<f64>,
}

impl Skew {
    pub fn new(bias: bool) -> Self {
        Self {
            inner: WSkew::new(bias),
        }
    }

    pub fn bias(&self) -> bool {
        self.inner.bias
    }

    pub fn n(&self) -> f64 {
        self.inner.central_moments.count.count
    }
}

forwards_to_watermill!(Skew);

#[derive(Serialize, Deserialize)]
pub struct SkewState {
    bias: bool,
    moments: MomentsState,
}

impl Persist for Skew {
    const TAG: u8 = 30;
    const VERSION: u8 = 1;
    type State = SkewState;

    fn to_state(&self) -> SkewState {
        SkewState {
            bias: self.inner.bias,
            moments: moments_to_state(&self.inner.central_moments),
        }
    }

    fn from_state(s: SkewState, _version: u8) -> Result<Self> {
        if s.moments.m4 != 0.0 {
            // Skew never updates the fourth moment.
            return Err(StatsError::corrupt("a skewness keeps no fourth moment"));
        }
        Ok(Self {
            inner: WSkew {
                central_moments: moments_from_state(s.moments)?,
                bias: s.bias,
            },
        })
    }
}

/// Running excess kurtosis (Fisher's; corrected for bias unless `bias`, when n > 3).
#[derive(Debug, Clone)]
pub struct Kurtosis {
    inner: WKurtosis<f64>,
}

impl Kurtosis {
    pub fn new(bias: bool) -> Self {
        Self {
            inner: WKurtosis::new(bias),
        }
    }

    pub fn bias(&self) -> bool {
        self.inner.bias
    }
}

forwards_to_watermill!(Kurtosis);

#[derive(Serialize, Deserialize)]
pub struct KurtosisState {
    bias: bool,
    moments: MomentsState,
}

impl Persist for Kurtosis {
    const TAG: u8 = 31;
    const VERSION: u8 = 1;
    type State = KurtosisState;

    fn to_state(&self) -> KurtosisState {
        KurtosisState {
            bias: self.inner.bias,
            moments: moments_to_state(&self.inner.central_moments),
        }
    }

    fn from_state(s: KurtosisState, _version: u8) -> Result<Self> {
        Ok(Self {
            inner: WKurtosis {
                bias: s.bias,
                central_moments: moments_from_state(s.moments)?,
            },
        })
    }
}

adopt_keeping!(Skew => "Skew", keeps inner.bias);
adopt_keeping!(Kurtosis => "Kurtosis", keeps inner.bias);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};
    use crate::core::Univariate;

    /// Two-pass moments in plain sums, for comparison.
    fn two_pass(xs: &[f64]) -> (f64, f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let m = |p: i32| xs.iter().map(|x| (x - mean).powi(p)).sum::<f64>() / n;
        (m(2), m(3), m(4))
    }

    #[test]
    fn empty_values() {
        assert_eq!(Skew::new(false).get(), Some(0.0));
        assert_eq!(Kurtosis::new(false).get(), Some(-3.0));
    }

    #[test]
    fn biased_values_match_two_pass_moments() {
        let xs = [
            1.5, -2.0, 3.25, 7.0, 0.5, -1.0, 2.0, 9.5, -4.0, 0.0, 1.0, 3.0,
        ];
        let mut s = Skew::new(true);
        let mut k = Kurtosis::new(true);
        for (i, x) in xs.iter().enumerate() {
            s.update(*x);
            k.update(*x);
            if i >= 1 {
                let (m2, m3, m4) = two_pass(&xs[..=i]);
                let want_s = m3 / m2.powf(1.5);
                let want_k = m4 / (m2 * m2) - 3.0;
                assert!((s.get().unwrap() - want_s).abs() < 1e-12 * (1.0 + want_s.abs()));
                assert!((k.get().unwrap() - want_k).abs() < 1e-12 * (1.0 + want_k.abs()));
            }
        }
    }

    const XS: [f64; 12] = [
        1.5, -2.0, 3.25, 7.0, 0.5, -1.0, 2.0, 9.5, -4.0, 0.0, 1.0, 3.0,
    ];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + b.abs())
    }

    /// A skewness and a kurtosis fed `xs`.
    fn fed(xs: &[f64], kurtosis_bias: bool) -> (Skew, Kurtosis) {
        let (mut s, mut k) = (Skew::new(false), Kurtosis::new(kurtosis_bias));
        xs.iter().for_each(|&x| {
            s.update(x);
            k.update(x);
        });
        (s, k)
    }

    #[test]
    fn merges_match_one_stream() {
        for cut in 0..=XS.len() {
            let (left, right) = XS.split_at(cut);
            let ((s, k), (mut sa, mut ka), (sb, kb)) =
                (fed(&XS, false), fed(left, false), fed(right, false));
            sa.merge(&sb).unwrap();
            ka.merge(&kb).unwrap();
            assert!(close(sa.get().unwrap(), s.get().unwrap()));
            assert!(close(ka.get().unwrap(), k.get().unwrap()));
        }
        let mut k = Kurtosis::new(false);
        assert!(k.merge(&Kurtosis::new(true)).is_err());
    }

    #[test]
    fn unmerge_takes_a_merged_stream_back_out() {
        let xs = XS;
        for cut in 0..=xs.len() {
            let (left, right) = xs.split_at(cut);
            let ((mut s, mut k), (mut sa, ka), (sb, kb)) =
                (fed(&xs, true), fed(left, true), fed(right, true));
            s.unmerge(&sb).unwrap();
            k.unmerge(&kb).unwrap();
            assert!(close(s.get().unwrap(), sa.get().unwrap()), "{cut}");
            assert!(close(k.get().unwrap(), ka.get().unwrap()), "{cut}");
            assert_eq!(s.n(), sa.n());
            // and it goes on as the statistic of the remainder
            s.update(4.0);
            sa.update(4.0);
            assert!(close(s.get().unwrap(), sa.get().unwrap()), "{cut}");
        }
        // Taking everything out gives back the state of a fresh statistic, which loads.
        let mut all = Kurtosis::new(false);
        xs.iter().for_each(|&x| all.update(x));
        let copy = all.clone();
        all.unmerge(&copy).unwrap();
        assert_eq!(dump(&all).unwrap(), dump(&Kurtosis::new(false)).unwrap());
        // More than there is, or other parameters: refused, nothing changed.
        let mut part = Kurtosis::new(false);
        part.update(1.0);
        let before = dump(&part).unwrap();
        assert!(part.unmerge(&copy).is_err());
        assert!(part.unmerge(&Kurtosis::new(true)).is_err());
        assert_eq!(dump(&part).unwrap(), before);
    }

    #[test]
    fn a_constant_remainder_is_a_constant_stream() {
        // The remainder's moments are within the total's rounding of 0: without the floor the
        // kurtosis came out as any value at all.
        let wide: Vec<f64> = (0..1000).map(|i| f64::from(i).sin() * 1e6).collect();
        let (mut s, mut k) = (Skew::new(false), Kurtosis::new(false));
        let (mut sb, mut kb) = (Skew::new(false), Kurtosis::new(false));
        for &x in &wide {
            sb.update(x);
            kb.update(x);
        }
        for x in [2.5; 7] {
            s.update(x);
            k.update(x);
        }
        let (mut st, mut kt) = (s.clone(), k.clone());
        st.merge(&sb).unwrap();
        kt.merge(&kb).unwrap();
        st.unmerge(&sb).unwrap();
        kt.unmerge(&kb).unwrap();
        assert_eq!(st.get(), s.get());
        assert_eq!(kt.get(), k.get());
        assert_eq!(st.n(), 7.0);
        assert!((st.inner.central_moments.sum_delta - 2.5).abs() < 1e-6);
    }

    #[test]
    fn state_round_trips_and_refuses_garbage() {
        let mut k = Kurtosis::new(false);
        for x in [1.0, 4.0, -2.0, 8.0, 0.5] {
            k.update(x);
        }
        let back: Kurtosis = load(&dump(&k).unwrap()).unwrap();
        assert_eq!(back.get(), k.get());
        let mut bad = k.to_state();
        bad.moments.n = 2.5;
        assert!(Kurtosis::from_state(bad, 1).is_err());
        // A negative m2 is reachable (overflow on extreme inputs) and must load.
        let mut odd = k.to_state();
        odd.moments.m2 = -1.0;
        assert!(Kurtosis::from_state(odd, 1).is_ok());
        assert!(load::<Skew>(&dump(&k).unwrap()).is_err());
    }
}
