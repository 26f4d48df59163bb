//! Exact rolling quantile and interquartile range over a window, on [`OrderWindow`].
//!
//! Not watermill's `RollingQuantile`/`RollingIQR`: they keep a `SortedWindow` (O(window)
//! memmoves per update), panic on NaN after changing their state, and panic on `get()` when
//! empty. Values here equal `numpy.quantile(window, q, method="linear")` bit for bit.

use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::order_window::{OrderWindow, OrderWindowState, OrderWindowStateRef};
use super::params::{unit_interval, MAX_WINDOW};
use super::state::Persist;
use super::{Adopt, Univariate};
use crate::error::{Result, StatsError};

fn window(window_size: i64) -> Result<usize> {
    super::params::window_size(window_size)
}

#[derive(Debug, Clone)]
pub struct RollingQuantile {
    q: f64,
    window: OrderWindow,
}

impl RollingQuantile {
    pub fn new(q: f64, window_size: i64) -> Result<Self> {
        let q = unit_interval("q", q)?;
        Ok(Self {
            q,
            window: OrderWindow::new(window(window_size)?, &[q]),
        })
    }

    pub fn q(&self) -> f64 {
        self.q
    }

    pub fn window_size(&self) -> usize {
        self.window.window_size()
    }

    pub fn len(&self) -> usize {
        self.window.len()
    }

    pub fn is_empty(&self) -> bool {
        self.window.is_empty()
    }
}

impl Univariate for RollingQuantile {
    const SLOW_UPDATES: bool = true;

    #[inline]
    fn update(&mut self, x: f64) {
        self.window.push(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        self.window.quantile(0)
    }

    fn accumulate(&mut self, xs: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(xs.len());
        self.window
            .accumulate(xs, |qs| out.push(qs.first().copied().unwrap_or(f64::NAN)));
        out
    }
}

#[derive(Serialize, Deserialize)]
pub struct RollingQuantileState {
    q: f64,
    window: OrderWindowState,
}

impl Persist for RollingQuantile {
    const TAG: u8 = 3;
    const VERSION: u8 = 1;
    type State = RollingQuantileState;

    fn heap_bytes(&self) -> usize {
        self.window.heap_bytes()
    }

    fn encoded(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct Ref<'a> {
            q: f64,
            window: OrderWindowStateRef<'a>,
        }
        Ref {
            q: self.q,
            window: self.window.state_ref(),
        }
    }

    fn to_state(&self) -> RollingQuantileState {
        RollingQuantileState {
            q: self.q,
            window: self.window.to_state(),
        }
    }

    fn from_state(s: RollingQuantileState, _version: u8) -> Result<Self> {
        let q = unit_interval("q", s.q).map_err(|e| StatsError::corrupt(e.to_string()))?;
        Ok(Self {
            q,
            window: OrderWindow::from_state(s.window, &[q])?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct RollingIQR {
    q_inf: f64,
    q_sup: f64,
    window: OrderWindow,
}

impl RollingIQR {
    pub fn new(window_size: i64, q_inf: f64, q_sup: f64) -> Result<Self> {
        let (q_inf, q_sup) = super::params::iqr_bounds(q_inf, q_sup)?;
        Ok(Self {
            q_inf,
            q_sup,
            window: OrderWindow::new(window(window_size)?, &[q_inf, q_sup]),
        })
    }

    pub fn q_inf(&self) -> f64 {
        self.q_inf
    }

    pub fn q_sup(&self) -> f64 {
        self.q_sup
    }

    pub fn window_size(&self) -> usize {
        self.window.window_size()
    }
}

impl Univariate for RollingIQR {
    const SLOW_UPDATES: bool = true;

    #[inline]
    fn update(&mut self, x: f64) {
        self.window.push(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.window.quantile(1)? - self.window.quantile(0)?)
    }

    fn accumulate(&mut self, xs: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(xs.len());
        self.window.accumulate(xs, |qs| {
            out.push(match qs {
                [lo, hi] => hi - lo,
                _ => f64::NAN,
            })
        });
        out
    }
}

#[derive(Serialize, Deserialize)]
pub struct RollingIQRState {
    q_inf: f64,
    q_sup: f64,
    window: OrderWindowState,
}

impl Persist for RollingIQR {
    const TAG: u8 = 4;
    const VERSION: u8 = 1;
    type State = RollingIQRState;

    fn heap_bytes(&self) -> usize {
        self.window.heap_bytes()
    }

    fn encoded(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct Ref<'a> {
            q_inf: f64,
            q_sup: f64,
            window: OrderWindowStateRef<'a>,
        }
        Ref {
            q_inf: self.q_inf,
            q_sup: self.q_sup,
            window: self.window.state_ref(),
        }
    }

    fn to_state(&self) -> RollingIQRState {
        RollingIQRState {
            q_inf: self.q_inf,
            q_sup: self.q_sup,
            window: self.window.to_state(),
        }
    }

    fn from_state(s: RollingIQRState, _version: u8) -> Result<Self> {
        let (q_inf, q_sup) = super::params::iqr_bounds(s.q_inf, s.q_sup)
            .map_err(|e| StatsError::corrupt(e.to_string()))?;
        Ok(Self {
            q_inf,
            q_sup,
            window: OrderWindow::from_state(s.window, &[q_inf, q_sup])?,
        })
    }
}

// Checked at compile time (a failing const assert is a build error, never a runtime panic):
// slots are stored in u32 with one bit reserved.
const _: () = assert!(MAX_WINDOW < u32::MAX as usize);

impl Adopt for RollingQuantile {
    const NAME: &'static str = "RollingQuantile";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("q", self.q, fitted.q)
            .or_else(|| differs("window_size", self.window_size(), fitted.window_size()))
    }
}

impl Adopt for RollingIQR {
    const NAME: &'static str = "RollingIQR";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("window_size", self.window_size(), fitted.window_size())
            .or_else(|| differs("q_inf", self.q_inf, fitted.q_inf))
            .or_else(|| differs("q_sup", self.q_sup, fitted.q_sup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};

    #[test]
    fn rejects_bad_parameters() {
        assert!(RollingQuantile::new(1.5, 10).is_err());
        assert!(RollingQuantile::new(f64::NAN, 10).is_err());
        assert!(RollingQuantile::new(0.5, 0).is_err());
        assert!(RollingQuantile::new(0.5, -3).is_err());
        assert!(RollingIQR::new(10, 0.75, 0.25).is_err());
        assert!(RollingIQR::new(10, 0.5, 0.5).is_err());
    }

    #[test]
    fn empty_is_none_and_docstring_values() {
        let mut rq = RollingQuantile::new(0.5, 101).unwrap();
        assert_eq!(rq.get(), None);
        let mut got = vec![];
        for i in 0..1001 {
            rq.update(i as f64);
            if i % 100 == 0 {
                got.push(rq.get().unwrap());
            }
        }
        assert_eq!(
            got,
            vec![0.0, 50.0, 150.0, 250.0, 350.0, 450.0, 550.0, 650.0, 750.0, 850.0, 950.0]
        );
    }

    #[test]
    fn pickled_state_round_trips_and_refuses_garbage() {
        let mut iqr = RollingIQR::new(20, 0.25, 0.75).unwrap();
        for i in 0..37 {
            iqr.update(((i * 7919) % 31) as f64);
        }
        let bytes = dump(&iqr).unwrap();
        let back: RollingIQR = load(&bytes).unwrap();
        assert_eq!(back.get(), iqr.get());
        for cut in 0..bytes.len() {
            assert!(
                load::<RollingIQR>(&bytes[..cut]).is_err(),
                "truncated at {cut}"
            );
        }
        assert!(load::<RollingQuantile>(&bytes).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(load::<RollingIQR>(&longer).is_err());
        // A length prefix claiming 2^60 values must fail without trying to allocate them.
        let mut inflated = bytes;
        let at = 2 + 8 + 8 + 8 + 8;
        inflated[at..at + 8].copy_from_slice(&(1u64 << 60).to_le_bytes());
        assert!(load::<RollingIQR>(&inflated).is_err());
    }
}
