//! Callbacks that keep their identity across renders: a panel below the journey whose other props did not change is then not drawn again on every playback tick.

use yew::prelude::*;

/// A callback that is the same object on every render and calls the
/// latest `latest` given to it.
#[hook]
pub fn use_stable<T: 'static>(latest: Callback<T>) -> Callback<T> {
    let cell = use_mut_ref(|| latest.clone());
    *cell.borrow_mut() = latest;
    let memo = use_memo((), move |_| {
        Callback::from(move |v: T| {
            // Released before the call, which may render (and replace it).
            let cb = cell.borrow().clone();
            cb.emit(v)
        })
    });
    (*memo).clone()
}
