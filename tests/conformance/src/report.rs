//! One row of the suite's table: a check, its cases, and each disagreement.

/// The result of one check (or of several sub-checks, see [`Report::sub`]).
#[derive(Debug, Default)]
pub struct Report {
    pub check: String,
    pub cases: usize,
    /// A line per case that disagreed: input, the model's answer, the real one.
    pub disagreements: Vec<String>,
    /// Further rows of the same check (e.g. "nginx -t" and "nginx location").
    pub more: Vec<Report>,
}

impl Report {
    pub fn new(check: impl Into<String>) -> Self {
        Report {
            check: check.into(),
            ..Report::default()
        }
    }

    /// Counts one case; `Some(line)` when the model and the program disagree.
    pub fn case(&mut self, disagreement: Option<String>) {
        self.cases += 1;
        if let Some(d) = disagreement {
            self.disagreements.push(d);
        }
    }

    /// Compares two answers for one case.
    pub fn compare<T: PartialEq + std::fmt::Debug>(&mut self, input: &str, model: T, real: T) {
        let d = (model != real)
            .then(|| format!("{input}\n      model: {model:?}\n      real:  {real:?}"));
        self.case(d);
    }

    /// Adds a sub-check's row.
    pub fn sub(&mut self, r: Report) {
        self.more.push(r);
    }

    pub fn split(mut self) -> Vec<Report> {
        let more = std::mem::take(&mut self.more);
        let mut out = vec![self];
        for m in more {
            out.extend(m.split());
        }
        out.retain(|r| r.cases > 0 || !r.disagreements.is_empty());
        out
    }
}

/// Prints the table and the first disagreements of each row; true if any.
pub fn print(reports: &[Report]) -> bool {
    println!();
    println!(
        "{:<52} {:>7} {:>7} {:>9}",
        "check", "cases", "agree", "disagree"
    );
    let mut any = false;
    for r in reports {
        let bad = r.disagreements.len();
        any |= bad > 0;
        println!(
            "{:<52} {:>7} {:>7} {:>9}",
            r.check,
            r.cases,
            r.cases.saturating_sub(bad),
            bad
        );
    }
    for r in reports.iter().filter(|r| !r.disagreements.is_empty()) {
        println!(
            "\n{}: {} disagreements, the first ones:",
            r.check,
            r.disagreements.len()
        );
        for d in r.disagreements.iter().take(15) {
            println!("  - {d}");
        }
    }
    any
}
