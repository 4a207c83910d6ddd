//! Start-up: the diagram drawn once out of the page, in a task before the app's mount.
//!
//! The browser compiles a WebAssembly function on its first call (V8's lazy
//! compilation), and the app's first render calls most of the first
//! module's view code: in traces of 10 cold loads, 19 to 40 ms of the
//! mount's 46 to 81 ms task was that compilation. Drawing the diagram (the largest
//! view, and Yew's own rendering code) into a detached element first moves
//! its share into a task of its own; the mount then reuses the compiled code.
//! Nothing of it is shown, and it is removed before the mount.

use stackscope_core::Scenario;
use yew::{AppHandle, Callback, Renderer};

use crate::components::diagram::{Diagram, Props};
use crate::state::{Shared, Speed};

/// The diagram drawn out of the page; [`Warm::end`] removes it.
pub struct Warm(AppHandle<Diagram>);

/// Draws the diagram at rest (the first frame's) into a detached element.
pub fn diagram() -> Option<Warm> {
    let div = gloo::utils::document().create_element("div").ok()?;
    let props = Props {
        trace: None,
        cursor: 0,
        speed: Speed::One,
        world: Shared::new(Scenario::default()),
        on_select: Callback::noop(),
        on_fault: Callback::noop(),
        controls: false,
    };
    Some(Warm(
        Renderer::<Diagram>::with_root_and_props(div, props).render(),
    ))
}

impl Warm {
    /// Unmounts it (its element was never in the page).
    pub fn end(self) {
        self.0.destroy();
    }
}
