//! The Web Worker's entry point: registers [`stackscope_worker::SessionWorker`].

use gloo_worker::Registrable;
use stackscope_worker::{Postcard, SessionWorker};

fn main() {
    console_error_panic_hook::set_once();
    SessionWorker::registrar().encoding::<Postcard>().register();
}
