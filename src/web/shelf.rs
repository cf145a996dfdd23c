//! A bounded keep of rendered things in memory (issue 15): the timeline's sections of a client
//! page (`timeline::cache`) and summary PDFs (`summaries::kept_pdfs`). Each keeps what it
//! rendered under its key together with what it was made from, and asks the shelf for it back
//! only with a check that this still holds; the shelf itself only bounds the memory, dropping
//! the least recently shown copies while it holds more than its size.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

struct Entry<V> {
    value: V,
    bytes: usize,
    last_shown: u64,
}

struct Inner<K, V> {
    by_key: HashMap<K, Entry<V>>,
    bytes: usize,
    clock: u64,
}

/// At most `most_bytes` of kept values (as their keepers count them), by key.
pub struct Shelf<K, V> {
    most_bytes: usize,
    inner: Mutex<Inner<K, V>>,
}

impl<K: Hash + Eq + Copy, V> Shelf<K, V> {
    pub fn new(most_bytes: usize) -> Self {
        Shelf {
            most_bytes,
            inner: Mutex::new(Inner {
                by_key: HashMap::new(),
                bytes: 0,
                clock: 0,
            }),
        }
    }

    /// What `current` takes from the value kept under `key`, if it says the value still holds
    /// (it returns None otherwise); the value counts as shown then.
    pub fn get<R>(&self, key: &K, current: impl FnOnce(&V) -> Option<R>) -> Option<R> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.clock += 1;
        let clock = inner.clock;
        let entry = inner.by_key.get_mut(key)?;
        let taken = current(&entry.value)?;
        entry.last_shown = clock;
        Some(taken)
    }

    /// Keeps `value` (`bytes` large) under `key` in place of the value there, unless
    /// `stays(old)` says the old one is to stay (made from newer records than this one); then
    /// drops the least recently shown values while the shelf is over its size. A value larger
    /// than the shelf is not kept.
    pub fn keep(&self, key: K, value: V, bytes: usize, stays: impl FnOnce(&V) -> bool) {
        if bytes > self.most_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.by_key.get(&key).is_some_and(|old| stays(&old.value)) {
            return;
        }
        inner.clock += 1;
        let last_shown = inner.clock;
        let entry = Entry {
            value,
            bytes,
            last_shown,
        };
        if let Some(old) = inner.by_key.insert(key, entry) {
            inner.bytes -= old.bytes;
        }
        inner.bytes += bytes;
        while inner.bytes > self.most_bytes {
            let Some(oldest) = inner
                .by_key
                .iter()
                .min_by_key(|(_, e)| e.last_shown)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(gone) = inner.by_key.remove(&oldest) {
                inner.bytes -= gone.bytes;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shelf_keeps_its_size_by_dropping_the_least_recently_shown() {
        let shelf: Shelf<i64, &str> = Shelf::new(100);
        let shown = |shelf: &Shelf<i64, &str>, key| shelf.get(&key, |v| Some(*v)).is_some();
        for key in 1..=3 {
            shelf.keep(key, "x", 34, |_| false);
        }
        // 1 and 2 fit, 3 pushed out the least recently shown: 1.
        assert!(!shown(&shelf, 1));
        assert!(shown(&shelf, 2));
        assert!(shown(&shelf, 3));
        shelf.keep(4, "x", 34, |_| false);
        assert!(!shown(&shelf, 2), "2 was shown before 3");
        assert!(shown(&shelf, 3) && shown(&shelf, 4));
        shelf.keep(5, "x", 101, |_| false);
        assert!(!shown(&shelf, 5), "too large to keep");
        assert!(
            shown(&shelf, 3) && shown(&shelf, 4),
            "and nothing dropped for it"
        );
    }

    #[test]
    fn a_value_is_given_only_while_its_check_holds_and_can_refuse_its_replacement() {
        let shelf: Shelf<i64, u32> = Shelf::new(100);
        shelf.keep(1, 7, 10, |_| false);
        assert_eq!(shelf.get(&1, |v| (*v == 7).then_some(*v)), Some(7));
        assert_eq!(shelf.get(&1, |v| (*v == 8).then_some(*v)), None);
        shelf.keep(1, 6, 10, |old| *old > 6);
        assert_eq!(shelf.get(&1, |v| Some(*v)), Some(7), "the newer one stayed");
        shelf.keep(1, 9, 10, |old| *old > 9);
        assert_eq!(shelf.get(&1, |v| Some(*v)), Some(9));
    }
}
