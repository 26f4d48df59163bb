//! A ring of at most `capacity` values, oldest first: what `Shift` keeps (the last
//! `amount + 1` values). Generic over the value, so the Python binding stores Python objects
//! in it and the tests here plain numbers.
//!
//! The slots grow with the values pushed, up to `capacity`, so a large capacity costs nothing
//! until values fill it; once full, a push overwrites the oldest slot and hands the value it
//! held back to the caller (who may need to release it somewhere particular: the binding drops
//! Python objects only after its lock is released).

/// At most `capacity` values, oldest first; see the module's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ring<T> {
    slots: Vec<T>,
    capacity: usize,
    /// Once full, the slot of the oldest value (the next one overwritten); 0 until then.
    head: usize,
}

impl<T> Ring<T> {
    /// An empty ring of at most `capacity` values (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            slots: Vec::new(),
            capacity: capacity.max(1),
            head: 0,
        }
    }

    /// A ring holding `values` (oldest first), or None when there are more than `capacity`.
    pub fn from_values(capacity: usize, values: Vec<T>) -> Option<Self> {
        let mut ring = Self::new(capacity);
        if values.len() > ring.capacity {
            return None;
        }
        ring.slots = values;
        Some(ring)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    #[inline]
    pub fn is_full(&self) -> bool {
        self.slots.len() == self.capacity
    }

    /// Adds `x` as the newest value; returns the oldest one when the ring was full.
    #[inline]
    pub fn push(&mut self, x: T) -> Option<T> {
        if self.is_full() {
            // `head < capacity == len` once full, so the slot is always there.
            if let Some(slot) = self.slots.get_mut(self.head) {
                let old = std::mem::replace(slot, x);
                self.head += 1;
                if self.head == self.capacity {
                    self.head = 0;
                }
                return Some(old);
            }
        }
        self.grow_for_one();
        self.slots.push(x);
        None
    }

    /// Room for one more value, growing geometrically but never past `capacity`.
    #[inline]
    fn grow_for_one(&mut self) {
        let len = self.slots.len();
        if len == self.slots.capacity() {
            // `len < capacity` here (a full ring overwrites), so `len + 1` fits.
            let target = len.saturating_mul(2).max(4).min(self.capacity).max(len + 1);
            self.slots.reserve_exact(target - len);
        }
    }

    /// The oldest value, once the ring is full (`capacity` values pushed); None before.
    #[inline]
    pub fn oldest_when_full(&self) -> Option<&T> {
        if self.is_full() {
            self.slots.get(self.head)
        } else {
            None
        }
    }

    /// The values, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        let (newer, older) = self.slots.split_at(self.head.min(self.slots.len()));
        older.iter().chain(newer)
    }

    /// Takes every value out (oldest first), leaving the ring empty.
    pub fn take_all(&mut self) -> Vec<T> {
        let mut values = std::mem::take(&mut self.slots);
        let head = self.head.min(values.len());
        values.rotate_left(head);
        self.head = 0;
        values
    }

    /// Bytes held on the heap by the slots themselves (not by what the values point to).
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// The ring against a `VecDeque` of the same bound, after every push.
    fn check_against_deque(capacity: usize, n: usize) {
        let mut ring = Ring::new(capacity);
        let mut deque = VecDeque::new();
        for i in 0..n {
            let evicted = ring.push(i);
            deque.push_back(i);
            let expected = if deque.len() > capacity {
                deque.pop_front()
            } else {
                None
            };
            assert_eq!(evicted, expected);
            assert_eq!(
                ring.iter().copied().collect::<Vec<_>>(),
                Vec::from(deque.clone())
            );
            assert_eq!(ring.len(), deque.len());
            let oldest = (deque.len() == capacity)
                .then(|| deque.front().copied())
                .flatten();
            assert_eq!(ring.oldest_when_full().copied(), oldest);
            assert!(ring.heap_bytes() <= capacity.max(4) * std::mem::size_of::<usize>());
        }
    }

    #[test]
    fn behaves_as_a_bounded_deque() {
        for capacity in [1, 2, 3, 4, 5, 7, 8, 17] {
            check_against_deque(capacity, 3 * capacity + 5);
        }
    }

    #[test]
    fn a_capacity_of_zero_is_one() {
        let mut ring = Ring::new(0);
        assert_eq!(ring.capacity(), 1);
        assert_eq!(ring.push('a'), None);
        assert_eq!(ring.oldest_when_full(), Some(&'a'));
        assert_eq!(ring.push('b'), Some('a'));
    }

    #[test]
    fn a_large_capacity_allocates_only_for_what_is_pushed() {
        let mut ring = Ring::new(usize::MAX);
        assert!(ring.is_empty() && ring.heap_bytes() == 0);
        for i in 0..10_u64 {
            assert_eq!(ring.push(i), None);
        }
        assert!(!ring.is_full() && ring.oldest_when_full().is_none());
        assert!(ring.heap_bytes() <= 16 * 8);
    }

    #[test]
    fn take_all_and_from_values_round_trip_in_order() {
        for pushed in 0..12 {
            let mut ring = Ring::new(5);
            for i in 0..pushed {
                ring.push(i);
            }
            let before = ring.clone();
            let values = ring.take_all();
            assert!(ring.is_empty());
            assert_eq!(values, before.iter().copied().collect::<Vec<_>>());
            let mut loaded = Ring::from_values(5, values).unwrap();
            let mut original = before;
            // The loaded ring continues exactly as the original would.
            for i in 100..110 {
                assert_eq!(loaded.push(i), original.push(i));
                assert!(loaded.iter().eq(original.iter()));
            }
        }
        assert_eq!(Ring::from_values(2, vec![1, 2, 3]), None);
        assert_eq!(
            Ring::from_values(3, vec![1, 2, 3])
                .unwrap()
                .oldest_when_full(),
            Some(&1)
        );
    }
}
