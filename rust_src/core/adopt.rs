//! River's `clone(new_params, include_attributes=True)`: a statistic built with new
//! parameters that keeps the data another one has fitted.

use crate::error::{Result, StatsError};

/// A fitted state carried over to a statistic built with other parameters: what River's
/// `clone(new_params, include_attributes=True)` asks for.
///
/// Every statistic says what its parameters mean for the data it has fitted. Parameters that
/// are only read when computing the value, or applied to future updates (`ddof`, `bias`,
/// `fading_factor`, a prior), take effect on the adopted data. Parameters that shape the
/// fitted data (a window's length, a tracked quantile, a lag) cannot be changed under it:
/// River would silently keep the old internals, here the change is refused.
pub trait Adopt: Clone {
    /// Takes `fitted`'s data under `self`'s parameters, or changes nothing and refuses when
    /// a parameter that shapes the data differs. The default refuses any difference
    /// `reshaped_by` reports and otherwise takes `fitted` whole.
    fn adopt(&mut self, fitted: &Self) -> Result<()> {
        if let Some(param) = self.reshaped_by(fitted) {
            return Err(StatsError::InvalidOperation(format!(
                "{} cannot keep its fitted state under a new {param}: use clone(new_params) \
                 without include_attributes",
                Self::NAME
            )));
        }
        *self = fitted.clone();
        Ok(())
    }

    /// River's name of the statistic, for the refusal.
    const NAME: &'static str;

    /// The first parameter (in River's order) that shapes the fitted data and differs between
    /// `self` and `fitted`; None when the data means the same under both.
    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str>;
}

/// `Some(name)` when a state-shaping parameter differs.
#[inline]
pub fn differs<T: PartialEq>(name: &'static str, mine: T, fitted: T) -> Option<&'static str> {
    (mine != fitted).then_some(name)
}

/// `Adopt` for statistics without parameters: the fitted state is taken whole.
macro_rules! adopt_whole {
    ($($core:ty => $name:literal),* $(,)?) => {
        $(
            impl $crate::core::Adopt for $core {
                const NAME: &'static str = $name;
                fn reshaped_by(&self, _fitted: &Self) -> Option<&'static str> {
                    None
                }
            }
        )*
    };
}

/// `Adopt` for statistics whose parameters are only read when computing the value or applied
/// to future updates: the fitted data is taken whole and the listed fields, the parameters,
/// are kept. Used inside the statistic's module, where its private fields are visible.
macro_rules! adopt_keeping {
    ($core:ty => $name:literal, keeps $($($field:ident).+),+ $(,)?) => {
        impl $crate::core::Adopt for $core {
            const NAME: &'static str = $name;

            fn reshaped_by(&self, _fitted: &Self) -> Option<&'static str> {
                None
            }

            fn adopt(&mut self, fitted: &Self) -> $crate::error::Result<()> {
                let mut next = fitted.clone();
                $( next.$($field).+ = self.$($field).+.clone(); )+
                *self = next;
                Ok(())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Adopt;
    use crate::core::state::dump;
    use crate::core::{autocorr, ewmean, ks, moments, quantile, rolling_extrema, rolling_quantile};
    use crate::core::{shape, Univariate};

    const XS: [f64; 9] = [0.3, -1.2, 2.5, 0.7, 4.1, -0.5, 1.9, 3.3, -2.2];

    fn fed<T: Univariate>(mut stat: T) -> T {
        stat.update_many(&XS);
        stat
    }

    #[test]
    fn same_parameters_take_the_state_whole() {
        let fitted = fed(rolling_quantile::RollingQuantile::new(0.3, 4).unwrap());
        let mut clone = rolling_quantile::RollingQuantile::new(0.3, 4).unwrap();
        clone.adopt(&fitted).unwrap();
        assert_eq!(dump(&clone).unwrap(), dump(&fitted).unwrap());
        let fitted = fed(moments::Mean::new());
        let mut clone = moments::Mean::new();
        clone.adopt(&fitted).unwrap();
        assert_eq!(clone, fitted);
    }

    #[test]
    fn read_only_parameters_apply_to_the_fitted_data() {
        // ddof and bias are read by `get`: the adopted data under the new parameter is the
        // statistic fed from the start with it.
        let mut var = moments::Var::new(0, false);
        var.adopt(&fed(moments::Var::new(1, false))).unwrap();
        assert_eq!(var, fed(moments::Var::new(0, false)));
        let mut sem = moments::Var::new(1, true);
        sem.adopt(&fed(moments::Var::new(1, false))).unwrap();
        assert!(sem.standard_error(), "a SEM stays a SEM");
        let mut skew = shape::Skew::new(true);
        skew.adopt(&fed(shape::Skew::new(false))).unwrap();
        assert_eq!(skew.get(), fed(shape::Skew::new(true)).get());
        let mut cov = moments::Cov::new(0);
        let mut fitted = moments::Cov::new(2);
        fitted.update_many(&XS, &XS);
        cov.adopt(&fitted).unwrap();
        let mut fresh = moments::Cov::new(0);
        fresh.update_many(&XS, &XS);
        assert_eq!(cov.get(), fresh.get());
        let mut ks = ks::KolmogorovSmirnov::new("kuiper").unwrap();
        ks.adopt(&ks::KolmogorovSmirnov::new("ks").unwrap())
            .unwrap();
        assert_eq!(ks.distance().name(), "kuiper");
    }

    #[test]
    fn a_fading_factor_applies_to_future_updates() {
        let fitted = fed(ewmean::EWMean::new(0.5).unwrap());
        let mut clone = ewmean::EWMean::new(0.1).unwrap();
        clone.adopt(&fitted).unwrap();
        assert_eq!(clone.fading_factor(), 0.1);
        assert_eq!(clone.get(), fitted.get());
        clone.update(10.0);
        let before = fitted.get().unwrap();
        assert_eq!(clone.get(), Some(0.1 * 10.0 + 0.9 * before));
    }

    #[test]
    fn shaping_parameters_are_refused_and_nothing_changes() {
        fn refused<T: Adopt + std::fmt::Debug>(mut clone: T, fitted: &T, name: &str, param: &str) {
            let before = format!("{clone:?}");
            let err = clone.adopt(fitted).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{name} cannot keep")), "{err}");
            assert!(err.contains(&format!("a new {param}:")), "{err}");
            assert!(err.contains("without include_attributes"), "{err}");
            assert_eq!(format!("{clone:?}"), before);
        }
        let rq = fed(rolling_quantile::RollingQuantile::new(0.5, 4).unwrap());
        let other_q = rolling_quantile::RollingQuantile::new(0.3, 4).unwrap();
        refused(other_q, &rq, "RollingQuantile", "q");
        let other_w = rolling_quantile::RollingQuantile::new(0.5, 5).unwrap();
        refused(other_w, &rq, "RollingQuantile", "window_size");
        let iqr = fed(rolling_quantile::RollingIQR::new(4, 0.25, 0.75).unwrap());
        let other = rolling_quantile::RollingIQR::new(4, 0.25, 0.8).unwrap();
        refused(other, &iqr, "RollingIQR", "q_sup");
        let p2 = fed(quantile::IQR::new(0.25, 0.75).unwrap());
        refused(quantile::IQR::new(0.1, 0.75).unwrap(), &p2, "IQR", "q_inf");
        let q = fed(quantile::Quantile::new(0.5).unwrap());
        refused(quantile::Quantile::new(0.2).unwrap(), &q, "Quantile", "q");
        let ac = fed(autocorr::AutoCorr::new(2).unwrap());
        refused(autocorr::AutoCorr::new(3).unwrap(), &ac, "AutoCorr", "lag");
        let rm = fed(rolling_extrema::RollingPeakToPeak::new(3).unwrap());
        let other = rolling_extrema::RollingPeakToPeak::new(4).unwrap();
        refused(other, &rm, "RollingPeakToPeak", "window_size");
    }
}
