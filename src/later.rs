//! A new trace's lists after its journey: the step table, the layers, the preview and the waterfall are drawn one a frame after the diagram and the inspector, so that no render is one long task.
//!
//! A first visit's own request comes back while the page is still starting
//! (Lighthouse's phone counts that render four times slower): in one frame
//! it was a 10–20 ms reply handler and then a 16–45 ms layout.

use gloo::render::AnimationFrame;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Runs `then` once the next frame is painted (a task after the frame, not
/// in it), unless the returned handle is dropped before the frame: the
/// staged page, the second module's staged panels and
/// [`use_frames_later`] each wait this way.
pub fn after_paint(then: impl FnOnce() + 'static) -> AnimationFrame {
    gloo::render::request_animation_frame(move |_| {
        Timeout::new(0, then).forget();
    })
}

/// `value` for each of `N` views, released one a frame after `key` first
/// came: until its frame, a view shows what it showed for the previous
/// key; from it on, `value`. The first view comes in the frame after
/// `key`'s, the second in the next one, and so on, so that no frame draws
/// them all. Without `defer`, every view shows `value` at once.
#[hook]
pub fn use_frames_later<K, T, const N: usize>(key: K, value: T, defer: bool) -> [T; N]
where
    K: PartialEq + Clone + 'static,
    T: Clone + 'static,
{
    // The key whose views may be shown, how many of them are, and what each showed last.
    let released = use_state(|| (key.clone(), N));
    let shown = use_mut_ref(|| std::array::from_fn::<T, N, _>(|_| value.clone()));
    let count = if released.0 == key { released.1 } else { 0 };
    {
        let released = released.clone();
        use_effect_with((key.clone(), count), move |(key, count)| {
            let (key, next) = (key.clone(), *count + 1);
            let frame =
                (defer && *count < N).then(|| after_paint(move || released.set((key, next))));
            move || drop(frame)
        });
    }
    let mut shown = shown.borrow_mut();
    for view in shown.iter_mut().take(if defer { count } else { N }) {
        *view = value.clone();
    }
    shown.clone()
}
