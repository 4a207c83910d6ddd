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
    /// Events per step of a load slice, as the last slice measured it.
    chunk: usize,
}

impl Worker for SessionWorker {
    type Message = ();
    type Input = Command;
    type Output = Reply;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SessionWorker {
            session: Session::new(),
            chunk: 0,
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, command: Command, id: HandlerId) {
        let reply = match command {
            Command::LoadStep { tag, events } => self.load_slice(tag, events as usize),
            command => self.session.handle(command),
        };
        scope.respond(id, reply);
    }
}

/// Wall time one load slice may take: short enough that a trace asked for
/// meanwhile waits little, long enough that the page's round trip between
/// slices costs little.
const SLICE_MS: f64 = 12.0;
/// Wall time one step of a slice should take, so a slice overshoots little.
const STEP_MS: f64 = 2.0;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

impl SessionWorker {
    /// A slice of the load job: steps of about `STEP_MS` until `SLICE_MS`
    /// have passed by the worker's clock (the session has none), starting
    /// from the size the last slice ended with (or the page's `events`).
    fn load_slice(&mut self, tag: u32, events: usize) -> Reply {
        let start = performance_now();
        let mut chunk = if self.chunk > 0 {
            self.chunk
        } else {
            events.max(1)
        };
        let done = loop {
            let t0 = performance_now();
            let done = self.session.load_step(tag, chunk);
            let now = performance_now();
            if now - t0 > 0.2 {
                let scaled = chunk as f64 * (STEP_MS / (now - t0)).clamp(0.25, 2.0);
                chunk = (scaled as usize).clamp(100, 2_000_000);
            }
            if done.is_some() || now - start >= SLICE_MS {
                break done;
            }
        };
        self.chunk = chunk;
        let report = done.unwrap_or_else(|| self.session.load_progress(tag));
        Reply::Load {
            tag,
            report: stackscope_core::session::wire::Packed::new(&report),
        }
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
