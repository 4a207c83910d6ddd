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

/// The page's codec, seen from the worker: JSON text ([`wire`]).
pub struct Json;

impl Codec for Json {
    fn encode<I: Serialize>(input: I) -> JsValue {
        JsValue::from_str(&wire::encode(&input))
    }

    fn decode<O: DeserializeOwned>(input: JsValue) -> O {
        wire::decode_or_panic(&input.as_string().unwrap_or_default())
    }
}
