//! The snapshot harness shared by the test files that run natively and in
//! headless Chromium: expected text is compiled in, so both builds compare
//! against the very same files.

/// `(file name, expected contents)` of `tests/snapshots/NAME.txt`.
#[macro_export]
macro_rules! snap {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/snapshots/",
                $name,
                ".txt"
            )),
        )
    };
}

/// Compares `got` with a snapshot; natively, `UPDATE_SNAPSHOTS=1` rewrites
/// the file instead. Panics at the first differing line.
pub fn compare(snapshot: (&str, &str), got: String) {
    let (name, expected) = snapshot;
    if got == expected {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let path = format!("{}/tests/snapshots/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, &got).unwrap();
        return;
    }
    let line = got
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(got.lines().count().min(expected.lines().count()));
    panic!(
        "snapshot {name} differs at line {}:\n  got:      {:?}\n  expected: {:?}\n(run with UPDATE_SNAPSHOTS=1 to accept)",
        line + 1,
        got.lines().nth(line),
        expected.lines().nth(line)
    );
}
