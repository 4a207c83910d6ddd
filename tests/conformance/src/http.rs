//! Placeholder: filled in by the http check.

use crate::report::Report;

pub fn run() -> Result<Report, String> {
    Err("not written yet".into())
}
