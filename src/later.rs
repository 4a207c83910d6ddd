//! A new trace's lists a frame after its journey: the step table, the layers, the preview and the waterfall are drawn in the frame after the diagram and the inspector, so that neither render is one long task.
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
/// [`use_a_frame_later`] each wait this way.
pub fn after_paint(then: impl FnOnce() + 'static) -> AnimationFrame {
    gloo::render::request_animation_frame(move |_| {
        Timeout::new(0, then).forget();
    })
}

/// `value` when `key` is the one already released, else the value shown
/// for the previous key, until the frame after `key` first came: then the
/// component renders again with `value`. Without `defer`, always `value`.
#[hook]
pub fn use_a_frame_later<K, T>(key: K, value: T, defer: bool) -> T
where
    K: PartialEq + Clone + 'static,
    T: Clone + 'static,
{
    // The key whose value may be shown, and what was shown last.
    let released = use_state(|| key.clone());
    let shown = use_mut_ref(|| value.clone());
    {
        let released = released.clone();
        use_effect_with(key.clone(), move |key| {
            let key = key.clone();
            let frame = (defer && *released != key).then(|| after_paint(move || released.set(key)));
            move || drop(frame)
        });
    }
    if !defer || *released == key {
        *shown.borrow_mut() = value.clone();
        value
    } else {
        shown.borrow().clone()
    }
}
