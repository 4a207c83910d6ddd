//! One stable sort for the small lists the page orders (dump rows, records,
//! markers, timelines): each `slice::sort_by` call site is otherwise its own
//! copy of the standard library's sort, about 4.5 KB of WebAssembly apiece.

use std::cmp::Ordering;

/// The order of `n` items under `cmp`, ties kept in their first order: a
/// permutation of `0..n`. Not generic, so the sort is compiled once.
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    // The index breaks ties: a total order, so the unstable sort is stable.
    idx.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    idx
}

/// Sorts `v` by `cmp`, keeping equal items in their order (as `sort_by`).
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let idx = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(idx.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` by `key`, keeping equal items in their order (as `sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn as_the_standard_stable_sort(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            let mut std = v.clone();
            std.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(&ours, &std);
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| b.1.cmp(&a.1));
            let mut std = v;
            std.sort_by_key(|a| std::cmp::Reverse(a.1));
            prop_assert_eq!(ours, std);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_empty_lists() {
        let mut v = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort_by(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, ["a", "a", "b", "c"]);
        let mut e: Vec<u8> = vec![];
        sort_by_key(&mut e, |&x| x);
        assert!(e.is_empty());
    }
}
