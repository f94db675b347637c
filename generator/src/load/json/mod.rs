//! A lenient JSON reader that also records where every value starts.
//!
//! serde_json is strict, and real connector specs are not: trailing commas, raw TABs inside strings, EM SPACE
//! between tokens and duplicate keys all occur in published connectors and are accepted by the platform. This
//! reader accepts exactly those, each with a warning, and rejects everything else (missing commas, unbalanced
//! brackets, comments, `NaN`) with an error that says where and what was expected, because guessing at real
//! structural damage would silently change what the spec means. It builds a `serde_json::Value` (keys in file
//! order) together with a [`PositionTree`] of start offsets for locating JSON pointers later.

mod scalar;

use serde_json::{Map, Value};

use super::notes::{Note, Site};
use super::pointer::PointerBuf;
use super::source_map::PositionTree;
use scalar::{TokenError, describe_char, is_foreign_whitespace, read_number, read_string};

/// Deeper nesting than this is refused: no real spec comes close (the corpus maximum is about 20), and
/// recursion in this reader and in later stages must stay far from the stack limit.
const MAX_DEPTH: usize = 128;

/// Warnings of one kind listed individually before the rest are summarised.
const LISTED_PER_KIND: usize = 20;

/// The leniencies, each counted separately so that one noisy file cannot drown the others.
#[derive(Debug, Clone, Copy)]
enum Lenience {
    TrailingComma,
    ForeignWhitespace,
    RawControl,
    LoneSurrogate,
    DuplicateKey,
}

impl Lenience {
    const ALL: [Self; 5] =
        [Self::TrailingComma, Self::ForeignWhitespace, Self::RawControl, Self::LoneSurrogate, Self::DuplicateKey];

    fn summary(self) -> &'static str {
        match self {
            Self::TrailingComma => "trailing commas ignored",
            Self::ForeignWhitespace => "non-JSON whitespace characters between tokens ignored",
            Self::RawControl => "raw control characters inside strings read as escaped",
            Self::LoneSurrogate => "unpaired surrogate escapes read as U+FFFD",
            Self::DuplicateKey => "duplicate keys (the last value wins)",
        }
    }
}

/// A parsed JSON text.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) value: Value,
    pub(crate) tree: PositionTree,
}

/// Parses `text`, adding a warning to `notes` for every leniency used; an error note on real damage.
pub(crate) fn parse(text: &str, notes: &mut Vec<Note>) -> Result<Parsed, Note> {
    let mut parser =
        Parser { text, bytes: text.as_bytes(), pos: 0, path: Vec::new(), notes, seen: [0; Lenience::ALL.len()] };
    let result = parser.document();
    parser.summarise();
    result
}

/// One step of the path from the root to the value being read.
enum Step {
    /// An object member, by the offset of its key's opening quote (re-read only for diagnostics).
    Key(usize),
    Index(usize),
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    path: Vec<Step>,
    notes: &'t mut Vec<Note>,
    seen: [usize; Lenience::ALL.len()],
}

type Read = Result<(Value, PositionTree), Note>;

impl Parser<'_> {
    fn document(&mut self) -> Result<Parsed, Note> {
        self.skip_whitespace();
        if self.pos >= self.bytes.len() {
            return Err(Note::error(Site::Offset(0), "empty document: expected a JSON value"));
        }
        let (value, tree) = self.value()?;
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            return Err(self.error_here(format!(
                "unexpected {} after the end of the JSON document (the root value ends on line {})",
                self.found(),
                self.line_of(self.pos)
            )));
        }
        Ok(Parsed { value, tree })
    }

    fn value(&mut self) -> Read {
        self.skip_whitespace();
        let start = self.pos;
        let leaf = |value| Ok((value, PositionTree { start, children: Vec::new() }));
        match self.bytes.get(start) {
            None => Err(self.error_here("unexpected end of the file: expected a JSON value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let string = self.string()?;
                leaf(Value::String(string))
            }
            Some(b'-' | b'0'..=b'9') => {
                let (number, end) = read_number(self.text, start).map_err(|e| self.token_error(e))?;
                self.pos = end;
                leaf(Value::Number(number))
            }
            Some(b't') if self.rest_starts_with(b"true") => {
                self.pos += 4;
                leaf(Value::Bool(true))
            }
            Some(b'f') if self.rest_starts_with(b"false") => {
                self.pos += 5;
                leaf(Value::Bool(false))
            }
            Some(b'n') if self.rest_starts_with(b"null") => {
                self.pos += 4;
                leaf(Value::Null)
            }
            Some(b'N') if self.rest_starts_with(b"NaN") => {
                Err(self.error_here("`NaN` is not JSON; write a number or a string"))
            }
            Some(b'I') if self.rest_starts_with(b"Infinity") => {
                Err(self.error_here("`Infinity` is not JSON; write a number or a string"))
            }
            Some(_) => Err(self.expected("a JSON value")),
        }
    }

    fn object(&mut self) -> Read {
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut map = Map::new();
        let mut children = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok((Value::Object(map), PositionTree { start: open, children }));
        }
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {}
                None => return Err(self.unexpected_end("a key", "object", open)),
                Some(_) => return Err(self.expected("`\"` to start an object key")),
            }
            let key_at = self.pos;
            let key = self.string()?;
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b':') => self.pos += 1,
                None => return Err(self.unexpected_end("`:`", "object", open)),
                Some(_) => return Err(self.expected(&format!("`:` after object key \"{key}\""))),
            }
            self.path.push(Step::Key(key_at));
            let (value, tree) = self.value()?;
            self.path.pop();
            if let Some(index) = map.contains_key(&key).then(|| map.keys().position(|k| *k == key)).flatten() {
                let pointer = self.pointer_to_child(&key);
                self.lenience(
                    Lenience::DuplicateKey,
                    Site::OffsetIn(key_at, pointer),
                    format!("duplicate key `{key}`: the last value wins"),
                );
                if let Some(slot) = children.get_mut(index) {
                    *slot = tree;
                }
            } else {
                children.push(tree);
            }
            map.insert(key, value);
            if self.after_member(b'}', "object member", open)? {
                break;
            }
        }
        Ok((Value::Object(map), PositionTree { start: open, children }))
    }

    fn array(&mut self) -> Read {
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        let mut children = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok((Value::Array(items), PositionTree { start: open, children }));
        }
        loop {
            self.path.push(Step::Index(items.len()));
            let (value, tree) = self.value()?;
            self.path.pop();
            items.push(value);
            children.push(tree);
            if self.after_member(b']', "array element", open)? {
                break;
            }
        }
        Ok((Value::Array(items), PositionTree { start: open, children }))
    }

    /// After a member: consumes `,` or the closer; true when the container is closed. A comma directly
    /// before the closer is the trailing-comma leniency.
    fn after_member(&mut self, closer: u8, what: &str, open: usize) -> Result<bool, Note> {
        self.skip_whitespace();
        let container = if closer == b'}' { "object" } else { "array" };
        match self.bytes.get(self.pos) {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_whitespace();
                if self.bytes.get(self.pos) == Some(&closer) {
                    self.pos += 1;
                    let pointer = self.pointer();
                    self.lenience(
                        Lenience::TrailingComma,
                        Site::OffsetIn(comma, pointer),
                        format!("trailing comma before `{}` ignored", char::from(closer)),
                    );
                    return Ok(true);
                }
                Ok(false)
            }
            Some(&b) if b == closer => {
                self.pos += 1;
                Ok(true)
            }
            None => Err(self.unexpected_end(&format!("`,` or `{}`", char::from(closer)), container, open)),
            Some(_) => Err(self.expected(&format!("`,` or `{}` after {what}", char::from(closer)))),
        }
    }

    fn string(&mut self) -> Result<String, Note> {
        let scanned = read_string(self.text, self.pos).map_err(|e| self.token_error(e))?;
        self.pos = scanned.end;
        for (offset, byte) in scanned.raw_controls {
            let pointer = self.pointer();
            self.lenience(
                Lenience::RawControl,
                Site::OffsetIn(offset, pointer),
                format!(
                    "raw control character {} inside a string; read as if escaped",
                    describe_char(char::from(byte))
                ),
            );
        }
        for offset in scanned.lone_surrogates {
            let pointer = self.pointer();
            self.lenience(
                Lenience::LoneSurrogate,
                Site::OffsetIn(offset, pointer),
                "`\\u` escape of half a surrogate pair; read as U+FFFD",
            );
        }
        Ok(scanned.value)
    }

    fn skip_whitespace(&mut self) {
        loop {
            match self.bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(&b) if b >= 0x80 || b == 0x0B || b == 0x0C => {
                    let Some(c) = self.text.get(self.pos..).and_then(|s| s.chars().next()) else {
                        return;
                    };
                    if !is_foreign_whitespace(c) {
                        return;
                    }
                    let (at, pointer) = (self.pos, self.pointer());
                    self.lenience(
                        Lenience::ForeignWhitespace,
                        Site::OffsetIn(at, pointer),
                        format!("{} between tokens is not JSON whitespace; ignored", describe_char(c)),
                    );
                    self.pos += c.len_utf8();
                }
                _ => return,
            }
        }
    }

    fn rest_starts_with(&self, literal: &[u8]) -> bool {
        self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(literal))
    }

    fn enter(&self) -> Result<(), Note> {
        if self.path.len() >= MAX_DEPTH {
            return Err(self.error_here(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn lenience(&mut self, kind: Lenience, site: Site, message: impl Into<String>) {
        let seen = &mut self.seen[kind as usize];
        *seen += 1;
        if *seen <= LISTED_PER_KIND {
            self.notes.push(Note::warning(site, message));
        }
    }

    fn summarise(&mut self) {
        for kind in Lenience::ALL {
            let seen = self.seen[kind as usize];
            if seen > LISTED_PER_KIND {
                self.notes.push(Note::warning(
                    Site::File,
                    format!("{} more {} (not listed)", seen - LISTED_PER_KIND, kind.summary()),
                ));
            }
        }
    }

    /// The pointer of the value being read.
    fn pointer(&self) -> String {
        let mut pointer = PointerBuf::root();
        for step in &self.path {
            match step {
                Step::Key(at) => {
                    let key = read_string(self.text, *at).map(|s| s.value).unwrap_or_default();
                    pointer.push(&key);
                }
                Step::Index(i) => {
                    pointer.push_index(*i);
                }
            }
        }
        pointer.as_str().to_owned()
    }

    fn pointer_to_child(&self, key: &str) -> String {
        let mut pointer = PointerBuf::from_text(&self.pointer());
        pointer.push(key);
        pointer.as_str().to_owned()
    }

    /// What is at the current position, for "found ..." in messages.
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "the end of the file".to_owned(),
            Some(c) if c.is_control() || c.is_whitespace() => describe_char(c),
            Some(c) => format!("`{c}`"),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        1 + self.bytes.iter().take(offset).filter(|&&b| b == b'\n').count()
    }

    /// "expected X, found Y" at the current position; comments get their own message, since they are the
    /// most likely reason for a stray `/`.
    fn expected(&self, what: &str) -> Note {
        if self.rest_starts_with(b"//") || self.rest_starts_with(b"/*") {
            return self.error_here(format!("comments are not allowed in JSON (expected {what})"));
        }
        self.error_here(format!("expected {what}, found {}", self.found()))
    }

    fn error_here(&self, message: impl Into<String>) -> Note {
        Note::error(Site::OffsetIn(self.pos, self.pointer()), message)
    }

    fn unexpected_end(&self, expected: &str, container: &str, open: usize) -> Note {
        self.error_here(format!(
            "unexpected end of the file: expected {expected} (the {container} opened on line {} is not closed)",
            self.line_of(open)
        ))
    }

    fn token_error(&self, error: TokenError) -> Note {
        Note::error(Site::OffsetIn(error.offset, self.pointer()), error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Result<Parsed, Note>, Vec<Note>) {
        let mut notes = Vec::new();
        let parsed = parse(text, &mut notes);
        (parsed, notes)
    }

    fn value(text: &str) -> Value {
        read(text).0.expect("parses").value
    }

    fn error(text: &str) -> Note {
        read(text).0.expect_err("fails")
    }

    #[test]
    fn reads_what_serde_json_reads_in_the_same_key_order() {
        let text = r#"{"z": [1, -2.5, true, false, null, "s\u00e9"], "a": {"b": {}}, "m": []}"#;
        let strict: Value = serde_json::from_str(text).expect("strict");
        let ours = value(text);
        assert_eq!(ours, strict);
        assert_eq!(serde_json::to_string(&ours).ok(), serde_json::to_string(&strict).ok());
    }

    #[test]
    fn records_start_offsets_of_every_value() {
        let parsed = read("{\"a\": [10, {\"b\": 2}]}").0.expect("parses");
        let a = &parsed.tree.children[0];
        assert_eq!(a.start, 6);
        assert_eq!(a.children[1].children[0].start, 17);
    }

    #[test]
    fn trailing_commas_are_warnings() {
        let (parsed, notes) = read("{\"a\": [1, 2,], \"b\": 1,}");
        assert_eq!(parsed.expect("parses").value, serde_json::json!({"a": [1, 2], "b": 1}));
        assert_eq!(notes.len(), 2);
        assert!(notes.iter().all(|n| n.message.contains("trailing comma")));
        assert_eq!(notes[0].site, Site::OffsetIn(11, "#/a".to_owned()));
    }

    #[test]
    fn duplicate_key_keeps_last_value_and_names_key_and_pointer() {
        let (parsed, notes) = read("{\"p\": {\"k\": 1, \"j\": 0, \"k\": 2}}");
        let parsed = parsed.expect("parses");
        assert_eq!(parsed.value, serde_json::json!({"p": {"k": 2, "j": 0}}));
        assert_eq!(parsed.tree.children[0].children[0].start, 28);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("`k`"));
        assert_eq!(notes[0].site, Site::OffsetIn(23, "#/p/k".to_owned()));
    }

    #[test]
    fn foreign_whitespace_and_raw_controls_are_warnings() {
        let (parsed, notes) = read("{\u{2003}\"a\":\u{a0}\"x\ty\"}");
        assert_eq!(parsed.expect("parses").value, serde_json::json!({"a": "x\ty"}));
        assert_eq!(notes.len(), 3);
        assert!(notes[0].message.contains("U+2003 (EM SPACE)"));
        assert!(notes[2].message.contains("raw control character U+0009"));
    }

    #[test]
    fn missing_comma_is_an_error_at_the_next_key() {
        let note = error("{\n  \"a\": 1\n  \"b\": 2\n}");
        assert_eq!(note.site, Site::OffsetIn(13, "#".to_owned()));
        assert_eq!(note.message, "expected `,` or `}` after object member, found `\"`");
    }

    #[test]
    fn unbalanced_and_trailing_content_are_errors() {
        assert!(error("{\"a\": [1, 2}").message.contains("expected `,` or `]` after array element"));
        assert!(error("{\"a\": 1").message.contains("object opened on line 1 is not closed"));
        assert!(error("{} }").message.contains("after the end of the JSON document"));
        assert!(error("").message.contains("empty document"));
    }

    #[test]
    fn comments_nan_and_infinity_are_errors() {
        assert!(error("{\"a\": // c\n 1}").message.contains("comments"));
        assert!(error("[NaN]").message.contains("NaN"));
        assert!(error("[Infinity]").message.contains("Infinity"));
        assert!(error("[-Infinity]").message.contains("Infinity"));
        assert!(error("[True]").message.contains("expected a JSON value, found `T`"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(error(&text).message.contains("nesting deeper"));
    }

    #[test]
    fn noisy_leniencies_are_summarised() {
        let text = format!("[{}0]", "[0,],".repeat(30));
        let (parsed, notes) = read(&text);
        assert!(parsed.is_ok());
        assert_eq!(notes.len(), LISTED_PER_KIND + 1);
        assert!(notes.last().is_some_and(|n| n.message.starts_with("10 more trailing commas")));
    }
}
