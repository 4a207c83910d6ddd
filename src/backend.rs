//! The page's line to the simulated server: a Web Worker in the app (tests connect their own).
//!
//! The page sends [`Command`]s and redraws from [`Reply`]s; it never holds a
//! simulator, and its WebAssembly module has no SQL engine in it (the core
//! is built without its `engine` feature here). The server runs in the
//! `worker/` crate, which Trunk builds as `worker.js` + `worker_bg.wasm`.

use std::rc::Rc;

use gloo_worker::{Codec, HandlerId, Spawnable, Worker, WorkerBridge, WorkerScope};
use serde::de::DeserializeOwned;
use serde::Serialize;
use stackscope_core::session::{wire, Command, Reply};
use wasm_bindgen::JsValue;
use yew::Callback;

/// The loader Trunk writes for the worker (`data-loader-shim`), relative to the page.
pub const WORKER_LOADER: &str = "./worker_loader.js";

/// Sends commands to a session; replies arrive on the callback it was connected with.
pub type Send = Rc<dyn Fn(Command)>;

/// Connects the page to a session: given where replies go, returns how to send.
#[derive(Clone)]
pub struct Connect(pub Rc<dyn Fn(Callback<Reply>) -> Send>);

impl PartialEq for Connect {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Connect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connect")
    }
}

impl Connect {
    /// Connects when the first command is sent. The app's first is sent
    /// after the diagram's first paint, so spawning the worker (and its
    /// downloads) never delays that paint.
    pub fn lazily(&self, on_reply: Callback<Reply>) -> Send {
        let connect = self.clone();
        let line: std::cell::RefCell<Option<Send>> = std::cell::RefCell::new(None);
        Rc::new(move |command| {
            let send = line
                .borrow_mut()
                .get_or_insert_with(|| (connect.0)(on_reply.clone()))
                .clone();
            send(command)
        })
    }

    /// The app's: the session in a Web Worker. Commands sent before the
    /// worker has loaded wait in gloo-worker's bridge and are delivered, in
    /// order, once the worker says it is up.
    pub fn worker() -> Connect {
        Connect(Rc::new(|on_reply: Callback<Reply>| {
            let mut spawner = Server::spawner();
            spawner.callback(move |reply| on_reply.emit(reply));
            let bridge: WorkerBridge<Server> = spawner
                .encoding::<Postcard>()
                .spawn_with_loader(WORKER_LOADER);
            Rc::new(move |command| bridge.send(command)) as Send
        }))
    }
}

/// The page's name for the worker's type: gloo-worker's bridge needs a
/// [`Worker`] to know the messages. The worker itself runs
/// `stackscope_worker::SessionWorker`, which has the same messages; this
/// one only ever exists on the page's side of the bridge, as a type.
pub struct Server;

impl Worker for Server {
    type Message = ();
    type Input = Command;
    type Output = Reply;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Server
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, _scope: &WorkerScope<Self>, _command: Command, _id: HandlerId) {}
}

/// The worker's codec, seen from the page: postcard bytes in a `Uint8Array` ([`wire`]).
pub struct Postcard;

impl Codec for Postcard {
    fn encode<I: Serialize>(input: I) -> JsValue {
        js_sys::Uint8Array::from(wire::encode(&input).as_slice()).into()
    }

    fn decode<O: DeserializeOwned>(input: JsValue) -> O {
        wire::decode_or_panic(&js_sys::Uint8Array::new(&input).to_vec())
    }
}
