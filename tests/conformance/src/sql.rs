//! Placeholder: filled in by the sql check.

use crate::report::Report;

pub fn run() -> Result<Report, String> {
    Err("not written yet".into())
}
