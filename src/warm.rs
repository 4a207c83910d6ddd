//! Start-up: the first frame's views drawn once out of the page, in tasks before the app's mount.
//!
//! The browser compiles a WebAssembly function on its first call (V8's lazy
//! compilation), and the app's first render calls most of the first
//! module's view code: in traces of 10 cold loads, 19 to 40 ms of the
//! mount's 46 to 81 ms task was that compilation. Drawing the first frame's
//! views into detached elements first moves their share into tasks of
//! their own ([`start`]): the address bar and the examples (the smallest,
//! so Yew's own rendering code is compiled in a task with little else),
//! then the diagram (the largest view), then the controls and the
//! inspector; the mount then reuses the compiled code.
//! Nothing of it is shown, and each is removed before the next.

use stackscope_core::Scenario;
use yew::{html, AppHandle, BaseComponent, Callback, Html, Renderer};

use crate::components::controls::Controls;
use crate::components::diagram::{Diagram, Props};
use crate::components::inspector::Inspector;
use crate::components::presets::Presets;
use crate::components::reason_badge::ReasonBadge;
use crate::components::shortcuts::LessonsButton;
use crate::components::url_bar::UrlBar;
use crate::state::{Shared, Speed};

/// Views drawn out of the page; [`Warm::end`] removes them.
pub struct Warm<C: BaseComponent> {
    app: AppHandle<C>,
    root: web_sys::Element,
}

/// Draws the diagram at rest (the first frame's) into a detached element.
pub fn diagram() -> Option<Warm<Diagram>> {
    let props = Props {
        trace: None,
        cursor: 0,
        speed: Speed::One,
        world: Shared::new(Scenario::default()),
        on_select: Callback::noop(),
        on_fault: Callback::noop(),
        controls: false,
    };
    drawn(props)
}

/// The address bar, the examples and the lessons button, at rest (as the
/// app draws them before a first request), with callbacks that do nothing:
/// the smallest of the first frame's views, drawn first, so that Yew's own
/// rendering code is compiled in a task of its own, before the diagram's.
#[yew::component]
pub fn Entry() -> Html {
    html! {
        <>
            <UrlBar value={"http://www.foobar.com/"} error={None::<yew::AttrValue>}
                on_input={Callback::noop()} on_submit={Callback::noop()} />
            <Presets on_pick={Callback::noop()} />
            <LessonsButton on_msg={Callback::noop()} />
        </>
    }
}

/// The playback controls, the reason badge and the inspector, at rest.
/// `Shortcuts` is left out: it listens on the document while mounted.
#[yew::component]
pub fn Playback() -> Html {
    html! {
        <>
            <Controls playing={false} cursor={0} count={0} speed={Speed::One}
                on_toggle={Callback::noop()} on_back={Callback::noop()}
                on_forward={Callback::noop()} on_restart={Callback::noop()}
                on_seek={Callback::noop()} on_speed={Callback::noop()} />
            <ReasonBadge trace={None} />
            <Inspector cursor={0} step={None} />
        </>
    }
}

/// Draws [`Entry`] into a detached element.
pub fn entry() -> Option<Warm<Entry>> {
    drawn(())
}

/// Draws [`Playback`] into a detached element.
pub fn playback() -> Option<Warm<Playback>> {
    drawn(())
}

/// Runs the start-up in tasks of their own, each a timer after the one
/// before: [`entry`], then [`diagram`], then [`playback`] (each removing the
/// one before), then `mount`; and, once the mount's frame is painted,
/// [`replies`].
pub fn start(mount: impl FnOnce() + 'static) {
    use gloo::timers::callback::Timeout;
    fn next(then: impl FnOnce() + 'static) {
        Timeout::new(0, then).forget();
    }
    next(|| {
        let entry = entry();
        next(move || {
            if let Some(warm) = entry {
                warm.end();
            }
            let diagram = diagram();
            next(move || {
                if let Some(warm) = diagram {
                    warm.end();
                }
                let playback = playback();
                next(move || {
                    if let Some(warm) = playback {
                        warm.end();
                    }
                    mount();
                    std::mem::forget(crate::later::after_paint(replies));
                });
            });
        });
    });
}

/// `C` with `props`, drawn into an element that is not in the document.
fn drawn<C: BaseComponent>(props: C::Properties) -> Option<Warm<C>> {
    let div = gloo::utils::document().create_element("div").ok()?;
    let app = Renderer::<C>::with_root_and_props(div.clone(), props).render();
    Some(Warm { app, root: div })
}

/// Reads a world as the worker sends one (`Update::world`): the first reply
/// (to `Command::Start`) carries the running world, and decoding it was most
/// of that reply's task (its functions compiled on their first call, 8 to 25
/// ms in traced cold loads). Run in a task of its own after the page's first
/// frame, it leaves that reply's task its rendering alone.
pub fn replies() {
    use stackscope_core::session::wire;
    let world: Scenario = wire::decode_or_panic(&wire::encode(&Scenario::default()));
    std::hint::black_box(world);
}

impl<C: BaseComponent> Warm<C> {
    /// The detached element it is drawn in (never in the document).
    pub fn root(&self) -> &web_sys::Element {
        &self.root
    }

    /// Unmounts it (its element was never in the page).
    pub fn end(self) {
        self.app.destroy();
    }
}
