//! The checklist's progress, kept in `localStorage` under a versioned key
//! like the editors' data: the facts the learner has shown, the figures the
//! self-check questions quote, and each question's first answer. Corrupt or
//! old-version data is reported and replaced by a fresh start; nothing else
//! in storage is touched.
//!
//! The stored JSON is written here and read by the browser's own
//! `JSON.parse` (serde_json natively, in the tests). The page's module
//! has no JSON parser: removing tinyjson's, with the standard library's
//! float parser that it alone called, took 24,971 B gzip off it (issue 15).
//! The format is the one serde_json wrote (tests check both ways against
//! serde_json, and the browser tests read it with `JSON.parse`).

use super::catalog::{Lesson, LESSONS};
use super::observe::{Fact, LoadRun};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The `localStorage` key; a new format gets a new key and version.
pub const KEY: &str = "stackscope.lessons.v1";
/// The envelope's version.
pub const VERSION: u64 = 1;

/// What the learner has demonstrated so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Every fact seen at least once.
    pub seen: BTreeSet<Fact>,
    /// Figures from the learner's runs that a question quotes
    /// (`single_deploy_failed`, `overload_rate`, …).
    pub figures: BTreeMap<String, f64>,
    /// Each lesson's self-check: was the first answer right?
    pub answers: BTreeMap<String, bool>,
}

/// How deep stored JSON may nest before it is refused unread: the stored
/// form is three deep, and the parser recurses without a limit of its own.
const MAX_DEPTH: usize = 8;

impl Progress {
    /// True once every fact the lesson needs has been seen.
    pub fn done(&self, lesson: &Lesson) -> bool {
        lesson.needs.iter().all(|f| self.seen.contains(f))
    }

    /// How many checklist items have ticked.
    pub fn ticked(&self) -> usize {
        LESSONS.iter().filter(|l| self.done(l)).count()
    }

    /// Adds what the screen shows now; true if anything is new.
    pub fn see(&mut self, facts: &[Fact], figures: &[(&str, f64)]) -> bool {
        let mut changed = false;
        for f in facts {
            changed |= self.seen.insert(*f);
        }
        for (k, v) in figures {
            if self.figures.get(*k) != Some(v) {
                self.figures.insert((*k).to_string(), *v);
                changed = true;
            }
        }
        changed
    }

    /// A finished load run: one server overloaded, or more servers that
    /// answered (within 1% errors) at least the load one server could not.
    pub fn load_run(&mut self, run: &LoadRun) -> bool {
        let mut changed = false;
        if run.servers == 1 && run.overloaded() {
            changed |= self.seen.insert(Fact::OneServerOverloaded);
            let least = self.figures.get("overload_rate").copied();
            // The lowest load that overloaded one server is the one to beat.
            if least.is_none_or(|r| run.rate_per_s < r) {
                self.figures.insert("overload_rate".into(), run.rate_per_s);
                self.figures
                    .insert("overload_errors".into(), run.error_rate);
                self.figures
                    .insert("overload_cores".into(), f64::from(run.cores));
                changed = true;
            }
        }
        if let Some(rate) = self.figures.get("overload_rate").copied() {
            if run.servers > 1 && run.error_rate <= 0.01 && run.rate_per_s >= rate {
                changed |= self.seen.insert(Fact::ScaledOutSameLoad);
                self.figures
                    .insert("scaled_servers".into(), f64::from(run.servers));
                self.figures.insert("scaled_errors".into(), run.error_rate);
            }
        }
        changed
    }

    /// The first answer to a lesson's question is the one kept.
    pub fn answer(&mut self, lesson: &str, right: bool) {
        self.answers.entry(lesson.to_string()).or_insert(right);
    }

    /// The stored form: `{"version":1,"progress":{"seen":[…],"figures":{…},"answers":{…}}}`.
    pub fn encode(&self) -> String {
        let mut out = String::from("{\"version\":");
        out.push_str(&VERSION.to_string());
        out.push_str(",\"progress\":{\"seen\":[");
        // A unit variant's `Debug` is its name, which serde writes too.
        separated(&mut out, &self.seen, |out, f| {
            string(out, &format!("{f:?}"))
        });
        out.push_str("],\"figures\":{");
        // JSON has no NaN or infinity; no figure is one. `Display` writes
        // the shortest digits that read back as the same f64.
        let figures = self.figures.iter().filter(|(_, v)| v.is_finite());
        separated(&mut out, figures, |out, (k, v)| {
            string(out, k);
            out.push(':');
            out.push_str(&v.to_string());
        });
        out.push_str("},\"answers\":{");
        separated(&mut out, &self.answers, |out, (k, v)| {
            string(out, k);
            out.push_str(if *v { ":true" } else { ":false" });
        });
        out.push_str("}}}");
        out
    }

    /// Reads what was stored under [`KEY`]; an error says why it was not
    /// kept (the caller starts afresh and says so).
    pub fn decode(raw: &str) -> Result<Progress, String> {
        let unreadable =
            || "Your saved lesson progress was unreadable, so it starts afresh.".to_string();
        if depth(raw) > MAX_DEPTH {
            return Err(unreadable());
        }
        let value = parse(raw).ok_or_else(unreadable)?;
        let version = match &value {
            Json::Obj(m) => get(m, "version").and_then(as_u64),
            _ => None,
        };
        match version {
            Some(VERSION) => read(&value).ok_or_else(|| {
                "Your saved lesson progress was damaged, so it starts afresh.".to_string()
            }),
            Some(v) => Err(format!(
                "Your saved lesson progress is from another version of Stackscope (format {v}), so it starts afresh."
            )),
            None => Err("Your saved lesson progress was not in a format Stackscope knows, so it starts afresh.".into()),
        }
    }
}

/// Writes each of `items` with `write`, a comma between two.
fn separated<I: IntoIterator>(
    out: &mut String,
    items: I,
    mut write: impl FnMut(&mut String, I::Item),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item);
    }
}

/// A JSON value, as far as the stored form needs one (`null` is `Other`).
/// An object's keys are unique, the last of a repeated one kept, as both
/// parsers below keep it.
#[derive(Debug, PartialEq)]
enum Json {
    Other,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// The browser's own `JSON.parse` (ECMA-262 §25.5.1), so the page's module
/// links no JSON parser (tinyjson's, with the standard library's float
/// parser and its 10 KB table, weighed 24,971 B gzip there).
#[cfg(target_arch = "wasm32")]
fn parse(raw: &str) -> Option<Json> {
    use wasm_bindgen::JsCast;
    fn from_js(v: &wasm_bindgen::JsValue) -> Json {
        if let Some(b) = v.as_bool() {
            Json::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Json::Num(n)
        } else if let Some(s) = v.as_string() {
            Json::Str(s)
        } else if js_sys::Array::is_array(v) {
            Json::Arr(js_sys::Array::from(v).iter().map(|x| from_js(&x)).collect())
        } else if let Some(o) = v.dyn_ref::<js_sys::Object>() {
            let entries = js_sys::Object::entries(o);
            let entries = entries.iter().map(|e| {
                let e = js_sys::Array::from(&e);
                (e.get(0).as_string().unwrap_or_default(), from_js(&e.get(1)))
            });
            Json::Obj(entries.collect())
        } else {
            Json::Other
        }
    }
    js_sys::JSON::parse(raw).ok().map(|v| from_js(&v))
}

/// Natively (the tests), serde_json reads it: both are RFC 8259 parsers.
#[cfg(not(target_arch = "wasm32"))]
fn parse(raw: &str) -> Option<Json> {
    fn from_value(v: serde_json::Value) -> Json {
        use serde_json::Value;
        match v {
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => n.as_f64().map_or(Json::Other, Json::Num),
            Value::String(s) => Json::Str(s),
            Value::Array(a) => Json::Arr(a.into_iter().map(from_value).collect()),
            Value::Object(m) => Json::Obj(m.into_iter().map(|(k, v)| (k, from_value(v))).collect()),
            Value::Null => Json::Other,
        }
    }
    serde_json::from_str(raw).ok().map(from_value)
}

/// `text` as a JSON string (RFC 8259 §7): quotes, backslashes and control
/// characters escaped, everything else as it is.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn get<'a>(m: &'a [(String, Json)], name: &str) -> Option<&'a Json> {
    m.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The stored form's progress, when every field is there, of its type, and
/// nothing else is (as serde's `deny_unknown_fields` read it).
fn read(value: &Json) -> Option<Progress> {
    let top = fields(value, &["version", "progress"])?;
    let p = fields(get(top, "progress")?, &["seen", "figures", "answers"])?;
    // Inserted one by one: `collect` into a B-tree sorts a vector first,
    // and each such sort is kilobytes of the page's module.
    let mut progress = Progress::default();
    let Json::Arr(seen) = get(p, "seen")? else {
        return None;
    };
    for f in seen {
        let Json::Str(name) = f else {
            return None;
        };
        progress.seen.insert(fact(name)?);
    }
    progress.figures = map_of(get(p, "figures")?, |v| match v {
        Json::Num(n) => Some(*n),
        _ => None,
    })?;
    progress.answers = map_of(get(p, "answers")?, |v| match v {
        Json::Bool(b) => Some(*b),
        _ => None,
    })?;
    Some(progress)
}

/// An object whose every value `read` accepts, as a map.
fn map_of<T>(value: &Json, read: impl Fn(&Json) -> Option<T>) -> Option<BTreeMap<String, T>> {
    let Json::Obj(m) = value else {
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, v) in m {
        out.insert(k.clone(), read(v)?);
    }
    Some(out)
}

/// An object's fields, when it has exactly these.
fn fields<'a>(value: &'a Json, names: &[&str]) -> Option<&'a [(String, Json)]> {
    match value {
        Json::Obj(m) if m.len() == names.len() && names.iter().all(|n| get(m, n).is_some()) => {
            Some(m)
        }
        _ => None,
    }
}

/// A fact by its name, as serde names a unit variant.
fn fact(name: &str) -> Option<Fact> {
    use serde::de::IntoDeserializer;
    let name: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    Fact::deserialize(name).ok()
}

/// A whole non-negative number, as serde_json's `as_u64` reads one.
fn as_u64(value: &Json) -> Option<u64> {
    match value {
        Json::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < u64::MAX as f64 => Some(*n as u64),
        _ => None,
    }
}

/// How deep arrays and objects nest in `text` (brackets inside strings not
/// counted).
fn depth(text: &str) -> usize {
    let (mut depth, mut most, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                most = most.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_damage() {
        let mut p = Progress::default();
        p.see(&[Fact::SawHandshake, Fact::SawHttpRequest], &[("x", 2.0)]);
        p.answer("http", true);
        p.answer("http", false);
        assert_eq!(Progress::decode(&p.encode()), Ok(p.clone()));
        assert!(p.done(crate::lessons::catalog::by_id("http").unwrap().1));
        assert!(p.answers["http"], "the first answer is kept");
        for bad in [
            "",
            "{",
            "[]",
            r#"{"version":2,"progress":{}}"#,
            r#"{"version":1,"progress":{"seen":["NoSuchFact"],"figures":{},"answers":{}}}"#,
            r#"{"version":1}"#,
        ] {
            let e = Progress::decode(bad).unwrap_err();
            assert!(e.contains("starts afresh"), "{bad}: {e}");
        }
        assert!(Progress::decode(r#"{"version":2,"progress":{}}"#)
            .unwrap_err()
            .contains("format 2"));
    }

    #[test]
    fn scaling_out_needs_a_load_one_server_could_not_take() {
        let run = |servers, rate_per_s, error_rate| LoadRun {
            servers,
            cores: 2,
            rate_per_s,
            error_rate,
            app_busy: 0.5,
        };
        let mut p = Progress::default();
        assert!(
            !p.load_run(&run(4, 3000.0, 0.0)),
            "nothing to compare with yet"
        );
        assert!(p.load_run(&run(1, 3000.0, 0.2)));
        assert!(p.seen.contains(&Fact::OneServerOverloaded));
        p.load_run(&run(4, 2000.0, 0.0));
        assert!(
            !p.seen.contains(&Fact::ScaledOutSameLoad),
            "a lighter load proves nothing"
        );
        p.load_run(&run(4, 3000.0, 0.02));
        assert!(!p.seen.contains(&Fact::ScaledOutSameLoad), "still failing");
        p.load_run(&run(4, 3000.0, 0.0));
        assert!(p.seen.contains(&Fact::ScaledOutSameLoad));
        assert_eq!(p.figures["scaled_servers"], 4.0);
    }
}

/// The stored form against serde_json, which wrote it before: each reads
/// what the other writes, and nothing stored makes the reader panic.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod against_serde_json {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;

    /// The envelope as serde_json wrote and read it.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Envelope {
        version: u64,
        progress: Progress,
    }

    /// Every fact, by its index (serde reads a unit variant from one).
    fn all_facts() -> Vec<Fact> {
        (0u32..)
            .map_while(|i| {
                let i: serde::de::value::U32Deserializer<serde::de::value::Error> =
                    i.into_deserializer();
                Fact::deserialize(i).ok()
            })
            .collect()
    }

    fn progress() -> impl Strategy<Value = Progress> {
        let facts = all_facts();
        let n = facts.len();
        let figure = prop_oneof![
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
            (0u32..100_000).prop_map(f64::from),
            Just(0.0),
        ];
        (
            proptest::sample::subsequence(facts, 0..=n),
            proptest::collection::btree_map("[a-z_]{1,20}", figure, 0..6),
            proptest::collection::btree_map("[a-z0-9.\"\\\\ é-]{1,12}", any::<bool>(), 0..6),
        )
            .prop_map(|(seen, figures, answers)| Progress {
                seen: seen.into_iter().collect(),
                figures,
                answers,
            })
    }

    #[test]
    fn every_fact_is_named_as_serde_names_it() {
        let facts = all_facts();
        assert!(facts.len() >= 20, "{facts:?}");
        for f in facts {
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f:?}\""));
            assert_eq!(fact(&format!("{f:?}")), Some(f));
        }
    }

    #[test]
    fn deep_nesting_is_refused_unread() {
        for raw in [
            "[".repeat(200_000),
            format!("{{\"version\":1,\"progress\":{}", "{\"a\":".repeat(50_000)),
        ] {
            assert!(Progress::decode(&raw).unwrap_err().contains("unreadable"));
        }
        // Brackets inside strings do not count.
        let mut p = Progress::default();
        p.answer(&"[{".repeat(40), true);
        assert_eq!(Progress::decode(&p.encode()), Ok(p));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn each_reads_what_the_other_writes(p in progress()) {
            let ours = p.encode();
            let read: Envelope = serde_json::from_str(&ours).unwrap();
            prop_assert_eq!(&read, &Envelope { version: VERSION, progress: p.clone() });
            let theirs = serde_json::to_string(&Envelope { version: VERSION, progress: p.clone() }).unwrap();
            prop_assert_eq!(Progress::decode(&theirs), Ok(p.clone()));
            prop_assert_eq!(Progress::decode(&ours), Ok(p));
        }

        #[test]
        fn damaged_text_is_refused_where_serde_json_refused_it(p in progress(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
            // One byte changed somewhere in the stored text.
            let mut raw = p.encode().into_bytes();
            let at = cut.index(raw.len());
            raw[at] = byte;
            let Ok(raw) = String::from_utf8(raw) else { return Ok(()) };
            // serde_json's reading as the page's reader was: the envelope,
            // and only version 1 (any other version was refused first).
            let theirs = serde_json::from_str::<Envelope>(&raw)
                .ok()
                .filter(|e| e.version == VERSION)
                .map(|e| e.progress);
            let ours = Progress::decode(&raw);
            // Where serde_json reads a progress, so does this reader, the same.
            // (This one also reads `1.0` as version 1, and a repeated field
            // as its last value, where serde_json refused them.)
            if let Some(t) = theirs {
                prop_assert_eq!(ours, Ok(t));
            }
        }

        #[test]
        fn any_text_is_read_or_refused(raw in any::<String>()) {
            let _ = Progress::decode(&raw);
        }
    }
}
