//! Small text helpers for learner-facing messages.

/// `s`, or its first `max − 3` characters and an ellipsis when it is longer
/// than `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let head: String = s.chars().take(max.saturating_sub(3)).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clips_by_characters() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("ééééééééééé", 10), "ééééééé…");
    }
}
