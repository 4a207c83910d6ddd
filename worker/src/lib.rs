//! The simulated server as a Web Worker: one [`Session`] answering the page's commands in order.
//!
//! Trunk builds `src/main.rs` as `worker.js` + `worker_bg.wasm` with a loader
//! (`worker_loader.js`); the page spawns it with gloo-worker and sends
//! [`Command`]s, JSON-encoded ([`stackscope_core::session::wire`]).

use gloo_worker::{Codec, HandlerId, Worker, WorkerScope};
use serde::de::DeserializeOwned;
use serde::Serialize;
use stackscope_core::session::{wire, Command, Reply, Session};
use wasm_bindgen::JsValue;

/// The worker: one learner's session.
pub struct SessionWorker {
    session: Session,
}

impl Worker for SessionWorker {
    type Message = ();
    type Input = Command;
    type Output = Reply;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SessionWorker {
            session: Session::new(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, command: Command, id: HandlerId) {
        scope.respond(id, self.session.handle(command));
    }
}

/// The page's codec, seen from the worker: postcard bytes in a `Uint8Array` ([`wire`]).
pub struct Postcard;

impl Codec for Postcard {
    fn encode<I: Serialize>(input: I) -> JsValue {
        js_sys::Uint8Array::from(wire::encode(&input).as_slice()).into()
    }

    fn decode<O: DeserializeOwned>(input: JsValue) -> O {
        wire::decode_or_panic(&js_sys::Uint8Array::new(&input).to_vec())
    }
}
