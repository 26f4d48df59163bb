//! Statistics over a window of time: exact quantiles, the IQR, and extrema.
//!
//! Window membership follows River's `utils.TimeRolling`: each event carries a time `t`.
//! When `t` is later than every time seen before, it becomes the latest time and every event
//! at or before `t - period` leaves the window (the new event included, were it so). An event
//! whose `t` is not later than the latest time is added without removing anything, however
//! old it is; it leaves at the next update that moves the latest time forward. Events with
//! equal times enter and leave together.
//!
//! Times are an [`Instant`]: `f64` (numbers, in the unit of `period`) or `i64` nanoseconds
//! (dates, datetimes and `datetime64`, converted exactly by the bindings), so `t - period`
//! is the same number Python computes.
//!
//! Quantiles: the window's events sit in a deque ordered by time (an in-order event is pushed
//! at the back, a late one is inserted by binary search), and their values in an order
//! structure of two indexed heaps per tracked quantile (`lo` holds the `floor((n-1)q) + 1`
//! smallest values, `hi` the rest). Each event's slot knows its position in its heap, so an
//! evicted value is deleted from the middle of a heap in O(log n). The two tops are the order
//! statistics numpy's linear interpolation reads, through `order_window`'s `lerp` and
//! `virtual_index`, so values equal `numpy.quantile(window, q, method="linear")`.
//!
//! Extrema: monotonic deques ordered by time; an in-order event costs amortised O(1).

use std::collections::VecDeque;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::order_window::{lerp, virtual_index};
use super::params::{iqr_bounds, unit_interval};
use super::state::Persist;
use super::Adopt;
use crate::error::{Result, StatsError};

/// A point in time as the core sees it.
pub trait Instant:
    Copy + PartialOrd + std::fmt::Debug + Serialize + DeserializeOwned + Send + 'static
{
    /// `self - period`, None when it lies below every representable time (nothing leaves).
    fn minus(self, period: Self) -> Option<Self>;
    /// Whether the value can be a time (finite for floats).
    fn is_valid(self) -> bool;
    /// Whether the value can be a period (finite and positive).
    fn is_valid_period(self) -> bool;
}

impl Instant for f64 {
    #[inline]
    fn minus(self, period: f64) -> Option<f64> {
        Some(self - period)
    }
    #[inline]
    fn is_valid(self) -> bool {
        self.is_finite()
    }
    fn is_valid_period(self) -> bool {
        self.is_finite() && self > 0.0
    }
}

impl Instant for i64 {
    #[inline]
    fn minus(self, period: i64) -> Option<i64> {
        self.checked_sub(period)
    }
    #[inline]
    fn is_valid(self) -> bool {
        true
    }
    fn is_valid_period(self) -> bool {
        self > 0
    }
}

/// What the times of a stream are, so that one stream cannot mix them (a naive datetime
/// after an aware one, a date after a datetime). Numbers are their own calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Calendar {
    Number,
    NaiveDatetime,
    AwareDatetime,
    Date,
    Datetime64,
}

impl Calendar {
    pub fn describe(self) -> &'static str {
        match self {
            Calendar::Number => "a number",
            Calendar::NaiveDatetime => "a naive datetime",
            Calendar::AwareDatetime => "an aware datetime",
            Calendar::Date => "a date",
            Calendar::Datetime64 => "a numpy datetime64",
        }
    }
}

/// Nanoseconds since 1970-01-01T00:00 of a proleptic Gregorian date and time (what Python's
/// `datetime` holds), exactly; None outside the i64 range (years 1677 to 2262) or for fields
/// out of their ranges. Days from the civil date by H. Hinnant's `days_from_civil`.
pub fn civil_ns(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    microsecond: i64,
) -> Option<i64> {
    let fields_ok = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second)
        && (0..1_000_000).contains(&microsecond);
    if !fields_ok || !(1..=9999).contains(&year) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    seconds
        .checked_mul(1_000_000_000)?
        .checked_add(microsecond * 1_000)
}

/// A time as converted by the bindings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Time {
    Seconds(f64),
    Nanos(i64, Calendar),
}

/// A period as converted by the bindings: a number (times are numbers in its unit) or a
/// duration in nanoseconds (times are dates, datetimes or datetime64).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Period {
    Seconds(f64),
    Nanos(i64),
}

fn check_period(period: Period) -> Result<Period> {
    let ok = match period {
        Period::Seconds(p) => p.is_valid_period(),
        Period::Nanos(p) => p.is_valid_period(),
    };
    if ok {
        Ok(period)
    } else {
        let shown = match period {
            Period::Seconds(p) => format!("{p}"),
            Period::Nanos(p) => format!("{p} ns"),
        };
        Err(StatsError::param(
            "period",
            format!("must be a positive, finite duration, got {shown}"),
        ))
    }
}

fn bad_time(index: Option<usize>, message: String) -> StatsError {
    StatsError::InvalidValue { index, message }
}

/// What `t` must be for a window over numbers (`seconds`) or durations whose times so far
/// are of `calendar`; the calendar after `t`.
fn check_time(
    seconds: bool,
    calendar: Option<Calendar>,
    t: Time,
    index: Option<usize>,
) -> Result<Calendar> {
    let got =
        match t {
            Time::Seconds(s) if seconds => {
                if s.is_valid() {
                    return Ok(Calendar::Number);
                }
                return Err(bad_time(index, format!("t must be finite, got {s}")));
            }
            Time::Nanos(_, c) if !seconds => c,
            Time::Seconds(_) => return Err(bad_time(
                index,
                "t must be a datetime, date or datetime64 (the period is a duration), got a number"
                    .into(),
            )),
            Time::Nanos(_, c) => {
                return Err(bad_time(
                    index,
                    format!(
                        "t must be a number (the period is a number), got {}",
                        c.describe()
                    ),
                ))
            }
        };
    // numpy datetime64 values are naive: they mix with naive datetimes (pandas hands out both).
    let naive = |c: Calendar| matches!(c, Calendar::NaiveDatetime | Calendar::Datetime64);
    match calendar {
        Some(c) if c != got && !(naive(c) && naive(got)) => Err(bad_time(
            index,
            format!(
                "t must be {} like the earlier times, got {}",
                c.describe(),
                got.describe()
            ),
        )),
        Some(c) => Ok(c),
        None => Ok(got),
    }
}

// ---------------------------------------------------------------------------------------
// Indexed heaps

/// Marks a slot's position as being in `hi`.
const HI: u32 = 1 << 31;

/// Two heaps splitting the window's values at one rank, each entry `(value, slot)`, and for
/// each slot its position (`| HI` when in `hi`).
#[derive(Debug, Clone, Default)]
struct Tracker {
    q: f64,
    lo: Vec<(f64, u32)>,
    hi: Vec<(f64, u32)>,
    pos: Vec<u32>,
}

/// Whether `a` belongs nearer the top than `b`: the max-heap `lo` (MAX) or the min-heap `hi`.
#[inline]
fn above<const MAX: bool>(a: f64, b: f64) -> bool {
    if MAX {
        a > b
    } else {
        a < b
    }
}

#[inline]
fn set_pos(pos: &mut [u32], slot: u32, at: u32) {
    if let Some(p) = pos.get_mut(slot as usize) {
        *p = at;
    }
}

fn sift_up<const MAX: bool>(h: &mut [(f64, u32)], pos: &mut [u32], mut i: usize, side: u32) {
    let Some(&item) = h.get(i) else { return };
    while i > 0 {
        let parent = (i - 1) / 2;
        let Some(&p) = h.get(parent) else { break };
        if !above::<MAX>(item.0, p.0) {
            break;
        }
        if let Some(slot) = h.get_mut(i) {
            *slot = p;
        }
        set_pos(pos, p.1, i as u32 | side);
        i = parent;
    }
    if let Some(slot) = h.get_mut(i) {
        *slot = item;
    }
    set_pos(pos, item.1, i as u32 | side);
}

fn sift_down<const MAX: bool>(h: &mut [(f64, u32)], pos: &mut [u32], mut i: usize, side: u32) {
    let Some(&item) = h.get(i) else { return };
    let n = h.len();
    loop {
        let left = 2 * i + 1;
        if left >= n {
            break;
        }
        let mut child = left;
        if let (Some(l), Some(r)) = (h.get(left), h.get(left + 1)) {
            if above::<MAX>(r.0, l.0) {
                child = left + 1;
            }
        }
        let Some(&c) = h.get(child) else { break };
        if !above::<MAX>(c.0, item.0) {
            break;
        }
        if let Some(slot) = h.get_mut(i) {
            *slot = c;
        }
        set_pos(pos, c.1, i as u32 | side);
        i = child;
    }
    if let Some(slot) = h.get_mut(i) {
        *slot = item;
    }
    set_pos(pos, item.1, i as u32 | side);
}

fn push<const MAX: bool>(h: &mut Vec<(f64, u32)>, pos: &mut [u32], item: (f64, u32), side: u32) {
    h.push(item);
    let last = h.len() - 1;
    sift_up::<MAX>(h, pos, last, side);
}

/// Removes the entry at `i` and returns it.
fn remove_at<const MAX: bool>(
    h: &mut Vec<(f64, u32)>,
    pos: &mut [u32],
    i: usize,
    side: u32,
) -> Option<(f64, u32)> {
    let last = h.pop()?;
    if i >= h.len() {
        return Some(last);
    }
    let removed = std::mem::replace(h.get_mut(i)?, last);
    let moved_up = i > 0
        && h.get((i - 1) / 2)
            .is_some_and(|p| above::<MAX>(last.0, p.0));
    if moved_up {
        sift_up::<MAX>(h, pos, i, side);
    } else {
        sift_down::<MAX>(h, pos, i, side);
    }
    Some(removed)
}

/// Puts `item` at `i` (an existing position) and restores the heap order around it.
fn place<const MAX: bool>(
    h: &mut [(f64, u32)],
    pos: &mut [u32],
    i: usize,
    item: (f64, u32),
    side: u32,
) {
    if let Some(slot) = h.get_mut(i) {
        *slot = item;
    }
    let moved_up = i > 0
        && h.get((i - 1) / 2)
            .is_some_and(|p| above::<MAX>(item.0, p.0));
    if moved_up {
        sift_up::<MAX>(h, pos, i, side);
    } else {
        sift_down::<MAX>(h, pos, i, side);
    }
}

impl Tracker {
    fn new(q: f64) -> Self {
        Self {
            q,
            ..Self::default()
        }
    }

    fn len(&self) -> usize {
        self.lo.len() + self.hi.len()
    }

    fn insert(&mut self, x: f64, slot: u32) {
        if self.pos.len() <= slot as usize {
            self.pos.resize(slot as usize + 1, 0);
        }
        match self.lo.first() {
            Some(&(top, _)) if x <= top => push::<true>(&mut self.lo, &mut self.pos, (x, slot), 0),
            _ => push::<false>(&mut self.hi, &mut self.pos, (x, slot), HI),
        }
        self.rebalance();
    }

    fn remove(&mut self, slot: u32) {
        let Some(&at) = self.pos.get(slot as usize) else {
            return;
        };
        let i = (at & !HI) as usize;
        if at & HI == 0 {
            remove_at::<true>(&mut self.lo, &mut self.pos, i, 0);
        } else {
            remove_at::<false>(&mut self.hi, &mut self.pos, i, HI);
        }
        self.rebalance();
    }

    /// Gives `slot` the value `x` in place of its old one: the count, and so the split, stay
    /// the same. When `x` belongs to the other heap, that heap's top crosses into the freed
    /// position (it is beyond everything on this side) and `x` takes its place.
    fn replace(&mut self, slot: u32, x: f64) {
        let Some(&at) = self.pos.get(slot as usize) else {
            return;
        };
        let i = (at & !HI) as usize;
        if at & HI == 0 {
            match self.hi.first() {
                Some(&top) if x > top.0 => {
                    place::<true>(&mut self.lo, &mut self.pos, i, top, 0);
                    place::<false>(&mut self.hi, &mut self.pos, 0, (x, slot), HI);
                }
                _ => place::<true>(&mut self.lo, &mut self.pos, i, (x, slot), 0),
            }
        } else {
            match self.lo.first() {
                Some(&top) if x < top.0 => {
                    place::<false>(&mut self.hi, &mut self.pos, i, top, HI);
                    place::<true>(&mut self.lo, &mut self.pos, 0, (x, slot), 0);
                }
                _ => place::<false>(&mut self.hi, &mut self.pos, i, (x, slot), HI),
            }
        }
    }

    fn rebalance(&mut self) {
        let n = self.len();
        let target = if n == 0 {
            0
        } else {
            virtual_index(n, self.q).0 + 1
        };
        while self.lo.len() > target {
            let Some(top) = remove_at::<true>(&mut self.lo, &mut self.pos, 0, 0) else {
                break;
            };
            push::<false>(&mut self.hi, &mut self.pos, top, HI);
        }
        while self.lo.len() < target {
            let Some(top) = remove_at::<false>(&mut self.hi, &mut self.pos, 0, HI) else {
                break;
            };
            push::<true>(&mut self.lo, &mut self.pos, top, 0);
        }
    }

    fn quantile(&self) -> Option<f64> {
        let a = self.lo.first()?.0;
        let b = self.hi.first().map_or(a, |h| h.0);
        let (_, t) = virtual_index(self.len(), self.q);
        Some(lerp(a, b, t))
    }

    fn heap_bytes(&self) -> usize {
        (self.lo.capacity() + self.hi.capacity()) * std::mem::size_of::<(f64, u32)>()
            + self.pos.capacity() * 4
    }
}

// ---------------------------------------------------------------------------------------
// What a time window summarises

/// The part of a time-rolling statistic that holds the window's values.
pub trait Summary<T: Instant>: Clone + std::fmt::Debug {
    /// Adds an event (its time is at most the latest time once the caller has updated it).
    fn insert(&mut self, t: T, x: f64);
    /// Removes every event at or before `cutoff`.
    fn evict(&mut self, cutoff: T);
    /// Adds an event later than every other one, then removes those at or before `cutoff`.
    #[inline]
    fn advance(&mut self, t: T, x: f64, cutoff: Option<T>) {
        self.insert(t, x);
        if let Some(cutoff) = cutoff {
            self.evict(cutoff);
        }
    }
    fn value(&self) -> Option<f64>;
    fn is_empty(&self) -> bool;
    /// The entries a pickle stores: lists of `(t, x)` in time order.
    fn entries(&self) -> Vec<Vec<(T, f64)>>;
    fn heap_bytes(&self) -> usize;
}

/// Every event of the window, for exact quantiles at the tracked `q`s.
#[derive(Debug, Clone)]
pub struct Quantiles<T> {
    /// `(t, x, slot)` in time order (ties in arrival order).
    events: VecDeque<(T, f64, u32)>,
    free: Vec<u32>,
    trackers: Vec<Tracker>,
}

impl<T: Instant> Quantiles<T> {
    fn new(qs: &[f64]) -> Self {
        Self {
            events: VecDeque::new(),
            free: Vec::new(),
            trackers: qs.iter().map(|&q| Tracker::new(q)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    fn quantile(&self, i: usize) -> Option<f64> {
        self.trackers.get(i)?.quantile()
    }
}

impl<T: Instant> Summary<T> for Quantiles<T> {
    fn insert(&mut self, t: T, x: f64) {
        // Slots are u32 with the top bit reserved: a window cannot hold 2^31 events in memory
        // anyway (2^31 * 40 bytes), so the count saturates rather than wraps.
        let slot = self
            .free
            .pop()
            .unwrap_or_else(|| u32::try_from(self.events.len()).unwrap_or(HI - 1));
        for tracker in &mut self.trackers {
            tracker.insert(x, slot);
        }
        match self.events.back() {
            Some(&(last, _, _)) if t < last => {
                let at = self.events.partition_point(|e| e.0 <= t);
                self.events.insert(at, (t, x, slot));
            }
            _ => self.events.push_back((t, x, slot)),
        }
    }

    /// The common case of a full window: the new event takes the slot of the oldest one,
    /// which leaves, so each heap changes one value in place instead of a push and a delete.
    #[inline]
    fn advance(&mut self, t: T, x: f64, cutoff: Option<T>) {
        let Some(cutoff) = cutoff else {
            return self.insert(t, x);
        };
        match self.events.front() {
            Some(&(oldest, _, slot)) if oldest <= cutoff => {
                self.events.pop_front();
                for tracker in &mut self.trackers {
                    tracker.replace(slot, x);
                }
                self.events.push_back((t, x, slot));
            }
            _ => self.insert(t, x),
        }
        self.evict(cutoff);
    }

    fn evict(&mut self, cutoff: T) {
        while let Some(&(t, _, slot)) = self.events.front() {
            if t > cutoff {
                break;
            }
            self.events.pop_front();
            for tracker in &mut self.trackers {
                tracker.remove(slot);
            }
            self.free.push(slot);
        }
    }

    fn value(&self) -> Option<f64> {
        match self.trackers.as_slice() {
            [one] => one.quantile(),
            [lo, hi] => Some(hi.quantile()? - lo.quantile()?),
            _ => None,
        }
    }

    fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    fn entries(&self) -> Vec<Vec<(T, f64)>> {
        vec![self.events.iter().map(|&(t, x, _)| (t, x)).collect()]
    }

    fn heap_bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<(T, f64, u32)>()
            + self.free.capacity() * 4
            + self.trackers.iter().map(Tracker::heap_bytes).sum::<usize>()
    }
}

/// Candidates for the max (or min) of the window, in time order, values non-increasing
/// (non-decreasing for the min): an event older than a larger one can never be the max again.
#[derive(Debug, Clone)]
struct Monotonic<T, const MAX: bool> {
    d: VecDeque<(T, f64)>,
}

impl<T, const MAX: bool> Default for Monotonic<T, MAX> {
    fn default() -> Self {
        Self { d: VecDeque::new() }
    }
}

/// `a` makes `b` useless as a candidate when `a` is at least as extreme and stays as long.
#[inline]
fn dominates<const MAX: bool>(a: f64, b: f64) -> bool {
    if MAX {
        a >= b
    } else {
        a <= b
    }
}

impl<T: Instant, const MAX: bool> Monotonic<T, MAX> {
    fn insert(&mut self, t: T, x: f64) {
        let in_order = self.d.back().map_or(true, |&(last, _)| last <= t);
        if in_order {
            while matches!(self.d.back(), Some(&(_, v)) if dominates::<MAX>(x, v)) {
                self.d.pop_back();
            }
            self.d.push_back((t, x));
            return;
        }
        // A late event: it is useless if a later event is at least as extreme; otherwise it
        // makes the earlier, less extreme candidates useless.
        let at = self.d.partition_point(|e| e.0 <= t);
        if matches!(self.d.get(at), Some(&(_, v)) if dominates::<MAX>(v, x)) {
            return;
        }
        let mut from = at;
        while from > 0 && matches!(self.d.get(from - 1), Some(&(_, v)) if dominates::<MAX>(x, v)) {
            from -= 1;
        }
        self.d.drain(from..at);
        self.d.insert(from, (t, x));
    }

    fn evict(&mut self, cutoff: T) {
        while matches!(self.d.front(), Some(&(t, _)) if t <= cutoff) {
            self.d.pop_front();
        }
    }

    fn front(&self) -> Option<f64> {
        self.d.front().map(|e| e.1)
    }

    fn from_entries(entries: Vec<(T, f64)>) -> Result<Self> {
        let ordered = entries.windows(2).all(|pair| match pair {
            [(ta, a), (tb, b)] => ta <= tb && !dominates::<MAX>(*b, *a),
            _ => true,
        });
        if !ordered || entries.iter().any(|e| e.1.is_nan() || !e.0.is_valid()) {
            return Err(StatsError::corrupt(
                "extremum candidates are out of order, NaN or at invalid times",
            ));
        }
        Ok(Self { d: entries.into() })
    }
}

/// Which extremum a [`Extrema`] summary answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Extremum {
    Max,
    Min,
    AbsMax,
    PeakToPeak,
}

/// The candidates for the max and the min of the window (only those the extremum needs).
#[derive(Debug, Clone)]
pub struct Extrema<T> {
    kind: Extremum,
    max: Monotonic<T, true>,
    min: Monotonic<T, false>,
}

impl<T: Instant> Summary<T> for Extrema<T> {
    #[inline]
    fn insert(&mut self, t: T, x: f64) {
        match self.kind {
            Extremum::Max => self.max.insert(t, x),
            Extremum::Min => self.min.insert(t, x),
            Extremum::AbsMax => self.max.insert(t, x.abs()),
            Extremum::PeakToPeak => {
                self.max.insert(t, x);
                self.min.insert(t, x);
            }
        }
    }

    #[inline]
    fn evict(&mut self, cutoff: T) {
        self.max.evict(cutoff);
        self.min.evict(cutoff);
    }

    fn value(&self) -> Option<f64> {
        match self.kind {
            Extremum::Max | Extremum::AbsMax => self.max.front(),
            Extremum::Min => self.min.front(),
            Extremum::PeakToPeak => Some(self.max.front()? - self.min.front()?),
        }
    }

    fn is_empty(&self) -> bool {
        self.max.d.is_empty() && self.min.d.is_empty()
    }

    fn entries(&self) -> Vec<Vec<(T, f64)>> {
        vec![
            self.max.d.iter().copied().collect(),
            self.min.d.iter().copied().collect(),
        ]
    }

    fn heap_bytes(&self) -> usize {
        (self.max.d.capacity() + self.min.d.capacity()) * std::mem::size_of::<(T, f64)>()
    }
}

// ---------------------------------------------------------------------------------------
// The window

/// River's `TimeRolling` rule over a summary.
#[derive(Debug, Clone)]
pub struct TimeWindow<T, S> {
    period: T,
    latest: Option<T>,
    summary: S,
}

impl<T: Instant, S: Summary<T>> TimeWindow<T, S> {
    #[inline]
    fn update(&mut self, t: T, x: f64) {
        if self.latest.map_or(true, |latest| t > latest) {
            self.latest = Some(t);
            self.summary.advance(t, x, t.minus(self.period));
        } else {
            self.summary.insert(t, x);
        }
    }
}

/// A time window over `f64` or nanosecond times; which one is fixed by the period.
#[derive(Debug, Clone)]
enum Clock<A, B> {
    Seconds(A),
    Nanos(B),
}

/// What a time-rolling statistic tracks: its parameters and how to build its summary.
pub trait Kind: Clone + std::fmt::Debug + PartialEq {
    const NAME: &'static str;
    const TAG: u8;
    type Summary<T: Instant>: Summary<T>;
    fn summary<T: Instant>(&self) -> Self::Summary<T>;
    fn rebuild<T: Instant>(&self, entries: Vec<Vec<(T, f64)>>) -> Result<Self::Summary<T>>;
    /// The parameters that shape the window's data, first differing one named.
    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str>;
}

/// The quantiles of a [`TimeRolling`]: one (`TimeRollingQuantile`) or two (`TimeRollingIQR`,
/// whose value is their difference).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileKind<const IQR: bool> {
    qs: Vec<f64>,
}

fn rebuild_quantiles<T: Instant>(qs: &[f64], entries: Vec<Vec<(T, f64)>>) -> Result<Quantiles<T>> {
    let [events]: [Vec<(T, f64)>; 1] = entries
        .try_into()
        .map_err(|_| StatsError::corrupt("expected one list of events"))?;
    if events.len() >= HI as usize {
        return Err(StatsError::corrupt("too many events"));
    }
    let ordered = events.windows(2).all(|p| match p {
        [a, b] => a.0 <= b.0,
        _ => true,
    });
    if !ordered || events.iter().any(|e| e.1.is_nan() || !e.0.is_valid()) {
        return Err(StatsError::corrupt(
            "events are out of time order, NaN or at invalid times",
        ));
    }
    // Rebuilt from one sort rather than n pushes: the sorted values split at each tracked rank
    // are already heaps (`lo` descending, `hi` ascending).
    let mut summary = Quantiles::new(qs);
    summary.events = events
        .iter()
        .zip(0u32..)
        .map(|(&(t, x), slot)| (t, x, slot))
        .collect();
    let mut order: Vec<(f64, u32)> = summary.events.iter().map(|e| (e.1, e.2)).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let n = order.len();
    for tracker in &mut summary.trackers {
        let k = if n == 0 {
            0
        } else {
            virtual_index(n, tracker.q).0 + 1
        };
        let (lo, hi) = order.split_at(k.min(n));
        tracker.lo = lo.iter().rev().copied().collect();
        tracker.hi = hi.to_vec();
        tracker.pos = vec![0; n];
        for (i, &(_, slot)) in (0u32..).zip(tracker.lo.iter()) {
            set_pos(&mut tracker.pos, slot, i);
        }
        for (i, &(_, slot)) in (0u32..).zip(tracker.hi.iter()) {
            set_pos(&mut tracker.pos, slot, i | HI);
        }
    }
    Ok(summary)
}

impl QuantileKind<false> {
    pub fn new(q: f64) -> Result<Self> {
        Ok(Self {
            qs: vec![unit_interval("q", q)?],
        })
    }
}

impl QuantileKind<true> {
    pub fn new(q_inf: f64, q_sup: f64) -> Result<Self> {
        let (q_inf, q_sup) = iqr_bounds(q_inf, q_sup)?;
        Ok(Self {
            qs: vec![q_inf, q_sup],
        })
    }
}

impl<const IQR: bool> QuantileKind<IQR> {
    pub fn qs(&self) -> &[f64] {
        &self.qs
    }

    fn checked(&self) -> Result<()> {
        let ok = match self.qs.as_slice() {
            [q] => !IQR && (0.0..=1.0).contains(q),
            [a, b] => IQR && (0.0..=1.0).contains(a) && (0.0..=1.0).contains(b) && a < b,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(StatsError::corrupt("quantiles out of range"))
        }
    }
}

impl<const IQR: bool> Kind for QuantileKind<IQR> {
    const NAME: &'static str = if IQR {
        "TimeRollingIQR"
    } else {
        "TimeRollingQuantile"
    };
    const TAG: u8 = if IQR { 71 } else { 70 };
    type Summary<T: Instant> = Quantiles<T>;

    fn summary<T: Instant>(&self) -> Quantiles<T> {
        Quantiles::new(&self.qs)
    }

    fn rebuild<T: Instant>(&self, entries: Vec<Vec<(T, f64)>>) -> Result<Quantiles<T>> {
        self.checked()?;
        rebuild_quantiles(&self.qs, entries)
    }

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        match (self.qs.as_slice(), fitted.qs.as_slice()) {
            ([a], [b]) => differs("q", a, b),
            ([a0, a1], [b0, b1]) => differs("q_inf", a0, b0).or_else(|| differs("q_sup", a1, b1)),
            _ => Some("q"),
        }
    }
}

/// The extremum of a [`TimeRolling`]; `E` is the extremum's index in [`Extremum`].
#[derive(Debug, Clone, PartialEq)]
pub struct ExtremumKind<const E: u8>;

impl<const E: u8> ExtremumKind<E> {
    const EXTREMUM: Extremum = match E {
        0 => Extremum::Max,
        1 => Extremum::Min,
        2 => Extremum::AbsMax,
        _ => Extremum::PeakToPeak,
    };
}

impl<const E: u8> Kind for ExtremumKind<E> {
    const NAME: &'static str = match E {
        0 => "TimeRollingMax",
        1 => "TimeRollingMin",
        2 => "TimeRollingAbsMax",
        _ => "TimeRollingPeakToPeak",
    };
    const TAG: u8 = 72 + E;
    type Summary<T: Instant> = Extrema<T>;

    fn summary<T: Instant>(&self) -> Extrema<T> {
        Extrema {
            kind: Self::EXTREMUM,
            max: Monotonic::default(),
            min: Monotonic::default(),
        }
    }

    fn rebuild<T: Instant>(&self, entries: Vec<Vec<(T, f64)>>) -> Result<Extrema<T>> {
        let [max, min]: [Vec<(T, f64)>; 2] = entries
            .try_into()
            .map_err(|_| StatsError::corrupt("expected two lists of candidates"))?;
        let uses = |tracked: bool, list: &[(T, f64)]| tracked || list.is_empty();
        let kind = Self::EXTREMUM;
        let tracks_max = matches!(
            kind,
            Extremum::Max | Extremum::AbsMax | Extremum::PeakToPeak
        );
        let tracks_min = matches!(kind, Extremum::Min | Extremum::PeakToPeak);
        if !uses(tracks_max, &max) || !uses(tracks_min, &min) {
            return Err(StatsError::corrupt("candidates for an untracked extremum"));
        }
        if kind == Extremum::AbsMax && max.iter().any(|e| e.1 < 0.0) {
            return Err(StatsError::corrupt("a negative absolute value"));
        }
        if kind == Extremum::PeakToPeak && max.is_empty() != min.is_empty() {
            return Err(StatsError::corrupt("max and min candidates disagree"));
        }
        Ok(Extrema {
            kind,
            max: Monotonic::from_entries(max)?,
            min: Monotonic::from_entries(min)?,
        })
    }

    fn reshaped_by(&self, _fitted: &Self) -> Option<&'static str> {
        None
    }
}

pub type TimeRollingQuantile = TimeRolling<QuantileKind<false>>;
pub type TimeRollingIQR = TimeRolling<QuantileKind<true>>;
pub type TimeRollingMax = TimeRolling<ExtremumKind<0>>;
pub type TimeRollingMin = TimeRolling<ExtremumKind<1>>;
pub type TimeRollingAbsMax = TimeRolling<ExtremumKind<2>>;
pub type TimeRollingPeakToPeak = TimeRolling<ExtremumKind<3>>;

/// A statistic over the events of the last `period`, River's `TimeRolling` rule.
#[derive(Debug, Clone)]
pub struct TimeRolling<K: Kind> {
    kind: K,
    /// The calendar of the times seen so far (None before the first one).
    calendar: Option<Calendar>,
    clock: Windows<K>,
}

/// A kind's window in either clock.
type Windows<K> =
    Clock<TimeWindow<f64, <K as Kind>::Summary<f64>>, TimeWindow<i64, <K as Kind>::Summary<i64>>>;

impl<K: Kind> TimeRolling<K> {
    pub fn new(kind: K, period: Period) -> Result<Self> {
        let clock = match check_period(period)? {
            Period::Seconds(p) => Clock::Seconds(TimeWindow {
                period: p,
                latest: None,
                summary: kind.summary(),
            }),
            Period::Nanos(p) => Clock::Nanos(TimeWindow {
                period: p,
                latest: None,
                summary: kind.summary(),
            }),
        };
        Ok(Self {
            kind,
            calendar: None,
            clock,
        })
    }

    pub fn kind(&self) -> &K {
        &self.kind
    }

    pub fn period(&self) -> Period {
        match &self.clock {
            Clock::Seconds(w) => Period::Seconds(w.period),
            Clock::Nanos(w) => Period::Nanos(w.period),
        }
    }

    pub fn calendar(&self) -> Option<Calendar> {
        self.calendar
    }

    /// Checks one time against the period's kind and the stream's calendar; returns the
    /// stream's calendar after it.
    fn check_time(&self, t: Time, index: Option<usize>) -> Result<Calendar> {
        check_time(
            matches!(self.clock, Clock::Seconds(_)),
            self.calendar,
            t,
            index,
        )
    }

    /// Adds `x` at time `t`; refused (nothing changed) for a NaN `x` or a time of another kind.
    pub fn update(&mut self, x: f64, t: Time) -> Result<()> {
        if x.is_nan() {
            return Err(bad_time(None, "x must not be NaN".into()));
        }
        let calendar = self.check_time(t, None)?;
        self.apply(x, t);
        self.calendar = Some(calendar);
        Ok(())
    }

    #[inline]
    fn apply(&mut self, x: f64, t: Time) {
        match (&mut self.clock, t) {
            (Clock::Seconds(w), Time::Seconds(s)) => w.update(s, x),
            (Clock::Nanos(w), Time::Nanos(ns, _)) => w.update(ns, x),
            _ => {}
        }
    }

    /// Checks a whole batch (values and times) before anything changes.
    fn check_batch(&self, xs: &[f64], ts: &[Time]) -> Result<Option<Calendar>> {
        if xs.len() != ts.len() {
            return Err(StatsError::InvalidValue {
                index: None,
                message: format!(
                    "xs and ts must have the same length, got {} and {}",
                    xs.len(),
                    ts.len()
                ),
            });
        }
        super::check_values(xs)?;
        let seconds = matches!(self.clock, Clock::Seconds(_));
        let mut calendar = self.calendar;
        for (i, &t) in ts.iter().enumerate() {
            calendar = Some(check_time(seconds, calendar, t, Some(i))?);
        }
        Ok(calendar)
    }

    /// Adds every `(xs[i], ts[i])` in order, or nothing when any value or time is refused.
    pub fn update_many(&mut self, xs: &[f64], ts: &[Time]) -> Result<()> {
        let calendar = self.check_batch(xs, ts)?;
        for (&x, &t) in xs.iter().zip(ts) {
            self.apply(x, t);
        }
        self.calendar = calendar;
        Ok(())
    }

    /// As `update_many`, returning the value after each event (NaN where there is none).
    pub fn accumulate(&mut self, xs: &[f64], ts: &[Time]) -> Result<Vec<f64>> {
        let calendar = self.check_batch(xs, ts)?;
        let mut out = Vec::with_capacity(xs.len());
        for (&x, &t) in xs.iter().zip(ts) {
            self.apply(x, t);
            out.push(self.get().unwrap_or(f64::NAN));
        }
        self.calendar = calendar;
        Ok(out)
    }

    /// Adds float times (numbers), checked first: the fast path of a batch of numbers.
    pub fn accumulate_seconds(&mut self, xs: &[f64], ts: &[f64]) -> Result<Vec<f64>> {
        let times: Vec<Time> = ts.iter().map(|&s| Time::Seconds(s)).collect();
        self.accumulate(xs, &times)
    }

    #[inline]
    pub fn get(&self) -> Option<f64> {
        match &self.clock {
            Clock::Seconds(w) => w.summary.value(),
            Clock::Nanos(w) => w.summary.value(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.clock {
            Clock::Seconds(w) => w.summary.is_empty(),
            Clock::Nanos(w) => w.summary.is_empty(),
        }
    }
}

impl<const IQR: bool> TimeRolling<QuantileKind<IQR>> {
    /// The number of events in the window (`is_empty` is defined for every kind, above).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        match &self.clock {
            Clock::Seconds(w) => w.summary.len(),
            Clock::Nanos(w) => w.summary.len(),
        }
    }

    /// The tracked quantile `i` alone (for tests of the IQR's two ends).
    pub fn quantile(&self, i: usize) -> Option<f64> {
        match &self.clock {
            Clock::Seconds(w) => w.summary.quantile(i),
            Clock::Nanos(w) => w.summary.quantile(i),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Pickling

/// A window as pickled: its period, latest time and entries, in one clock.
#[derive(Serialize, Deserialize)]
pub struct WindowState<T> {
    period: T,
    latest: Option<T>,
    entries: Vec<Vec<(T, f64)>>,
}

#[derive(Serialize, Deserialize)]
pub enum ClockState {
    Seconds(WindowState<f64>),
    Nanos(WindowState<i64>),
}

#[derive(Serialize, Deserialize)]
pub struct TimeRollingState {
    qs: Vec<f64>,
    calendar: Option<Calendar>,
    clock: ClockState,
}

fn window_state<T: Instant, S: Summary<T>>(w: &TimeWindow<T, S>) -> WindowState<T> {
    WindowState {
        period: w.period,
        latest: w.latest,
        entries: w.summary.entries(),
    }
}

fn load_window<T: Instant, K: Kind>(
    kind: &K,
    s: WindowState<T>,
    rebuild: impl FnOnce(&K, Vec<Vec<(T, f64)>>) -> Result<K::Summary<T>>,
) -> Result<TimeWindow<T, K::Summary<T>>> {
    if !s.period.is_valid_period() {
        return Err(StatsError::corrupt("the period is not positive"));
    }
    let latest_ok = match s.latest {
        None => s.entries.iter().all(Vec::is_empty),
        Some(l) => l.is_valid() && s.entries.iter().flatten().all(|e| e.0 <= l),
    };
    if !latest_ok {
        return Err(StatsError::corrupt(
            "the latest time disagrees with the events",
        ));
    }
    Ok(TimeWindow {
        period: s.period,
        latest: s.latest,
        summary: rebuild(kind, s.entries)?,
    })
}

/// The parameters a kind pickles: its quantiles (none for extrema).
pub trait KindState: Kind {
    fn qs(&self) -> Vec<f64>;
    fn from_qs(qs: Vec<f64>) -> Result<Self>;
}

impl<const IQR: bool> KindState for QuantileKind<IQR> {
    fn qs(&self) -> Vec<f64> {
        self.qs.clone()
    }
    fn from_qs(qs: Vec<f64>) -> Result<Self> {
        let kind = Self { qs };
        kind.checked()?;
        Ok(kind)
    }
}

impl<const E: u8> KindState for ExtremumKind<E> {
    fn qs(&self) -> Vec<f64> {
        Vec::new()
    }
    fn from_qs(qs: Vec<f64>) -> Result<Self> {
        if qs.is_empty() {
            Ok(Self)
        } else {
            Err(StatsError::corrupt("an extremum has no quantiles"))
        }
    }
}

impl<K: KindState> Persist for TimeRolling<K> {
    const TAG: u8 = K::TAG;
    const VERSION: u8 = 1;
    type State = TimeRollingState;

    fn heap_bytes(&self) -> usize {
        match &self.clock {
            Clock::Seconds(w) => w.summary.heap_bytes(),
            Clock::Nanos(w) => w.summary.heap_bytes(),
        }
    }

    fn check_replaces(&self, current: &Self) -> Result<()> {
        let same_clock = matches!(
            (&self.clock, &current.clock),
            (Clock::Seconds(_), Clock::Seconds(_)) | (Clock::Nanos(_), Clock::Nanos(_))
        );
        if same_clock && self.period() == current.period() {
            Ok(())
        } else {
            Err(StatsError::corrupt(
                "the state's period differs from the statistic's",
            ))
        }
    }

    fn to_state(&self) -> TimeRollingState {
        TimeRollingState {
            qs: self.kind.qs(),
            calendar: self.calendar,
            clock: match &self.clock {
                Clock::Seconds(w) => ClockState::Seconds(window_state(w)),
                Clock::Nanos(w) => ClockState::Nanos(window_state(w)),
            },
        }
    }

    fn from_state(s: TimeRollingState, _version: u8) -> Result<Self> {
        let kind = K::from_qs(s.qs)?;
        let clock = match s.clock {
            ClockState::Seconds(w) => {
                if s.calendar.is_some_and(|c| c != Calendar::Number) {
                    return Err(StatsError::corrupt("number times with a calendar"));
                }
                Clock::Seconds(load_window(&kind, w, |k, e| k.rebuild(e))?)
            }
            ClockState::Nanos(w) => {
                if s.calendar == Some(Calendar::Number) {
                    return Err(StatsError::corrupt("duration period with number times"));
                }
                Clock::Nanos(load_window(&kind, w, |k, e| k.rebuild(e))?)
            }
        };
        let stat = Self {
            kind,
            calendar: s.calendar,
            clock,
        };
        if stat.calendar.is_none() && !stat.is_empty() {
            return Err(StatsError::corrupt("events without a calendar"));
        }
        Ok(stat)
    }
}

impl<K: KindState> Adopt for TimeRolling<K> {
    const NAME: &'static str = K::NAME;

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        self.kind
            .reshaped_by(&fitted.kind)
            .or_else(|| differs("period", self.period(), fitted.period()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};

    /// A small deterministic generator (xorshift), so the tests need no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// numpy's `quantile(method="linear")` by sorting.
    fn brute_quantile(values: &[f64], q: f64) -> Option<f64> {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let (r, t) = virtual_index(v.len(), q);
        let a = *v.get(r)?;
        let b = *v.get(r + 1).unwrap_or(&a);
        Some(lerp(a, b, t))
    }

    /// River's `TimeRolling` rule, written out with a plain list.
    struct Brute {
        period: i64,
        latest: Option<i64>,
        events: Vec<(i64, f64)>,
    }
    impl Brute {
        fn update(&mut self, t: i64, x: f64) {
            let advance = self.latest.map_or(true, |l| t > l);
            self.events.push((t, x));
            if advance {
                self.latest = Some(t);
                let cutoff = t - self.period;
                self.events.retain(|e| e.0 > cutoff);
            }
        }
        fn values(&self) -> Vec<f64> {
            self.events.iter().map(|e| e.1).collect()
        }
    }

    fn stream(seed: u64, n: usize) -> Vec<(i64, f64)> {
        let mut rng = Rng(seed);
        let mut t = 0i64;
        (0..n)
            .map(|_| {
                let late = rng.below(5) == 0;
                let time = if late {
                    t - rng.below(30) as i64
                } else {
                    t += rng.below(4) as i64;
                    t
                };
                (time, (rng.below(21) as f64) - 10.0)
            })
            .collect()
    }

    #[test]
    fn quantiles_and_extrema_match_the_brute_force_rule() {
        for seed in 1..40u64 {
            let period = 1 + (seed % 17) as i64;
            let q = (seed % 11) as f64 / 10.0;
            let mut brute = Brute {
                period,
                latest: None,
                events: vec![],
            };
            let mut tq = TimeRollingQuantile::new(
                QuantileKind::<false>::new(q).unwrap(),
                Period::Nanos(period),
            )
            .unwrap();
            let mut iqr = TimeRollingIQR::new(
                QuantileKind::<true>::new(0.1, 0.8).unwrap(),
                Period::Seconds(period as f64),
            )
            .unwrap();
            let mut max = TimeRollingMax::new(ExtremumKind, Period::Nanos(period)).unwrap();
            let mut min = TimeRollingMin::new(ExtremumKind, Period::Nanos(period)).unwrap();
            let mut amax = TimeRollingAbsMax::new(ExtremumKind, Period::Nanos(period)).unwrap();
            let mut ptp =
                TimeRollingPeakToPeak::new(ExtremumKind, Period::Seconds(period as f64)).unwrap();
            for (t, x) in stream(seed, 400) {
                brute.update(t, x);
                let ns = Time::Nanos(t, Calendar::Datetime64);
                let secs = Time::Seconds(t as f64);
                tq.update(x, ns).unwrap();
                iqr.update(x, secs).unwrap();
                max.update(x, ns).unwrap();
                min.update(x, ns).unwrap();
                amax.update(x, ns).unwrap();
                ptp.update(x, secs).unwrap();
                let v = brute.values();
                assert_eq!(tq.len(), v.len());
                assert_eq!(tq.get(), brute_quantile(&v, q));
                let want_iqr = brute_quantile(&v, 0.8).unwrap() - brute_quantile(&v, 0.1).unwrap();
                assert_eq!(iqr.get(), Some(want_iqr));
                let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let ab = v.iter().map(|x| x.abs()).fold(0.0, f64::max);
                assert_eq!(max.get(), Some(hi));
                assert_eq!(min.get(), Some(lo));
                assert_eq!(amax.get(), Some(ab));
                assert_eq!(ptp.get(), Some(hi - lo));
            }
            // Mid-stream pickles load to the same statistic, which goes on the same way.
            let mut back: TimeRollingQuantile = load(&dump(&tq).unwrap()).unwrap();
            assert_eq!(back.get(), tq.get());
            assert_eq!(dump(&back).unwrap(), dump(&tq).unwrap());
            let mut back_iqr: TimeRollingIQR = load(&dump(&iqr).unwrap()).unwrap();
            for (t, x) in stream(seed + 100, 200) {
                let t = t + 400;
                tq.update(x, Time::Nanos(t, Calendar::Datetime64)).unwrap();
                back.update(x, Time::Nanos(t, Calendar::Datetime64))
                    .unwrap();
                iqr.update(x, Time::Seconds(t as f64)).unwrap();
                back_iqr.update(x, Time::Seconds(t as f64)).unwrap();
                assert_eq!(back.get(), tq.get());
                assert_eq!(back_iqr.get(), iqr.get());
                assert_eq!(back.len(), tq.len());
            }
            let back: TimeRollingPeakToPeak = load(&dump(&ptp).unwrap()).unwrap();
            assert_eq!(back.get(), ptp.get());
            assert_eq!(dump(&back).unwrap(), dump(&ptp).unwrap());
        }
    }

    #[test]
    fn bad_times_and_parameters_are_refused_without_change() {
        assert!(TimeRollingQuantile::new(
            QuantileKind::<false>::new(0.5).unwrap(),
            Period::Seconds(0.0)
        )
        .is_err());
        assert!(TimeRollingQuantile::new(
            QuantileKind::<false>::new(0.5).unwrap(),
            Period::Nanos(-1)
        )
        .is_err());
        assert!(QuantileKind::<false>::new(1.5).is_err());
        assert!(QuantileKind::<true>::new(0.7, 0.2).is_err());
        let mut tq =
            TimeRollingQuantile::new(QuantileKind::<false>::new(0.5).unwrap(), Period::Nanos(10))
                .unwrap();
        tq.update(1.0, Time::Nanos(5, Calendar::AwareDatetime))
            .unwrap();
        let before = dump(&tq).unwrap();
        assert!(tq
            .update(2.0, Time::Nanos(6, Calendar::NaiveDatetime))
            .is_err());
        assert!(tq.update(2.0, Time::Seconds(6.0)).is_err());
        assert!(tq
            .update(f64::NAN, Time::Nanos(6, Calendar::AwareDatetime))
            .is_err());
        let times = [
            Time::Nanos(6, Calendar::AwareDatetime),
            Time::Nanos(7, Calendar::Date),
        ];
        assert!(tq.update_many(&[1.0, 2.0], &times).is_err());
        assert!(tq.update_many(&[1.0], &times).is_err());
        assert_eq!(dump(&tq).unwrap(), before);
        let mut secs = TimeRollingMax::new(ExtremumKind, Period::Seconds(2.0)).unwrap();
        assert!(secs.update(1.0, Time::Seconds(f64::NAN)).is_err());
        assert!(secs.update(1.0, Time::Seconds(f64::INFINITY)).is_err());
        assert!(secs.is_empty());
    }

    #[test]
    fn civil_dates_to_nanoseconds() {
        assert_eq!(civil_ns(1970, 1, 1, 0, 0, 0, 0), Some(0));
        assert_eq!(civil_ns(1970, 1, 2, 0, 0, 0, 1), Some(86_400_000_001_000));
        // 2000-03-01 is day 11017; 1969-12-31T23:59:59.999999 is -1 µs.
        assert_eq!(
            civil_ns(2000, 3, 1, 0, 0, 0, 0),
            Some(11_017 * 86_400_000_000_000)
        );
        assert_eq!(civil_ns(1969, 12, 31, 23, 59, 59, 999_999), Some(-1_000));
        assert_eq!(
            civil_ns(2024, 2, 29, 12, 30, 15, 5),
            Some(1_709_209_815_000_005_000)
        );
        assert_eq!(civil_ns(1600, 1, 1, 0, 0, 0, 0), None);
        assert_eq!(civil_ns(2024, 13, 1, 0, 0, 0, 0), None);
    }

    #[test]
    fn batch_equals_the_loop() {
        let events = stream(7, 300);
        let xs: Vec<f64> = events.iter().map(|e| e.1).collect();
        let ts: Vec<f64> = events.iter().map(|e| e.0 as f64 * 0.5).collect();
        let kind = QuantileKind::<true>::new(0.25, 0.75).unwrap();
        let mut a = TimeRollingIQR::new(kind.clone(), Period::Seconds(3.0)).unwrap();
        let mut b = TimeRollingIQR::new(kind, Period::Seconds(3.0)).unwrap();
        let got = a.accumulate_seconds(&xs, &ts).unwrap();
        for (i, (&x, &t)) in xs.iter().zip(&ts).enumerate() {
            b.update(x, Time::Seconds(t)).unwrap();
            assert_eq!(got.get(i).copied(), b.get());
        }
        let mut bad = ts.clone();
        if let Some(t) = bad.get_mut(200) {
            *t = f64::NAN;
        }
        let before = dump(&a).unwrap();
        assert!(a.accumulate_seconds(&xs, &bad).is_err());
        assert_eq!(dump(&a).unwrap(), before);
    }

    #[test]
    fn hostile_states_are_refused() {
        let mut tq = TimeRollingQuantile::new(
            QuantileKind::<false>::new(0.5).unwrap(),
            Period::Seconds(5.0),
        )
        .unwrap();
        for (t, x) in stream(3, 50) {
            tq.update(x, Time::Seconds(t as f64)).unwrap();
        }
        let bytes = dump(&tq).unwrap();
        for cut in 0..bytes.len() {
            assert!(load::<TimeRollingQuantile>(&bytes[..cut]).is_err());
        }
        assert!(load::<TimeRollingIQR>(&bytes).is_err());
        // Flipping any byte either loads a valid statistic or is refused, never panics.
        for i in 2..bytes.len() {
            let mut b = bytes.clone();
            if let Some(byte) = b.get_mut(i) {
                *byte ^= 0x5a;
            }
            if let Ok(s) = load::<TimeRollingQuantile>(&b) {
                let _ = s.get();
            }
        }
    }
}
