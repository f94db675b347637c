//! YAML input: parsed by `yaml_serde`, then converted to the same `serde_json::Value` the JSON reader gives.
//!
//! The conversion is explicit rather than `yaml_serde::from_str::<serde_json::Value>` so that YAML-only things
//! get a decision each: mapping keys that are numbers or booleans (`200:` in responses) become their text,
//! custom tags are dropped with a warning, `<<` merge keys are applied, and `.nan`/`.inf` are errors because
//! JSON cannot hold them. Positions are coarse: parse errors carry line and column, nodes do not.

use serde_json::{Map, Number, Value};
use yaml_serde::Value as Yaml;

use super::notes::{Note, Site};

/// Parses YAML `text` into a JSON value, adding warnings to `notes`.
pub(crate) fn parse(text: &str, notes: &mut Vec<Note>) -> Result<Value, Note> {
    let mut yaml: Yaml = yaml_serde::from_str(text).map_err(|e| located(&e))?;
    yaml.apply_merge().map_err(|e| located(&e))?;
    let mut converter = Converter { notes, path: Vec::new() };
    converter.convert(yaml)
}

fn located(error: &yaml_serde::Error) -> Note {
    let site = error.location().map_or(Site::File, |l| Site::LineCol(l.line(), l.column()));
    Note::error(site, format!("invalid YAML: {error}"))
}

struct Converter<'n> {
    notes: &'n mut Vec<Note>,
    path: Vec<String>,
}

impl Converter<'_> {
    fn pointer(&self) -> String {
        super::pointer::join(self.path.iter().map(String::as_str))
    }

    fn convert(&mut self, yaml: Yaml) -> Result<Value, Note> {
        Ok(match yaml {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(b),
            Yaml::Number(n) => Value::Number(self.number(&n)?),
            Yaml::String(s) => Value::String(s),
            Yaml::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    self.path.push(i.to_string());
                    out.push(self.convert(item)?);
                    self.path.pop();
                }
                Value::Array(out)
            }
            Yaml::Mapping(mapping) => {
                let mut out = Map::new();
                for (key, value) in mapping {
                    let Some(key) = self.key(key) else { continue };
                    self.path.push(key);
                    let value = self.convert(value)?;
                    let key = self.path.pop().unwrap_or_default();
                    out.insert(key, value);
                }
                Value::Object(out)
            }
            Yaml::Tagged(tagged) => {
                self.notes
                    .push(Note::warning(Site::Pointer(self.pointer()), format!("YAML tag `{}` ignored", tagged.tag)));
                self.convert(tagged.value)?
            }
        })
    }

    fn number(&self, n: &yaml_serde::Number) -> Result<Number, Note> {
        if let Some(i) = n.as_u64() {
            return Ok(Number::from(i));
        }
        if let Some(i) = n.as_i64() {
            return Ok(Number::from(i));
        }
        n.as_f64().and_then(Number::from_f64).ok_or_else(|| {
            Note::error(
                Site::Pointer(self.pointer()),
                format!("`{n}` is not a number JSON can hold (NaN and infinities are not allowed)"),
            )
        })
    }

    /// The text of a mapping key; `None` (with a warning) for keys that are mappings or sequences.
    fn key(&mut self, key: Yaml) -> Option<String> {
        match key {
            Yaml::String(s) => Some(s),
            Yaml::Number(n) => Some(n.to_string()),
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Null => Some("null".to_owned()),
            Yaml::Tagged(tagged) => self.key(tagged.value),
            Yaml::Sequence(_) | Yaml::Mapping(_) => {
                self.notes.push(Note::warning(
                    Site::Pointer(self.pointer()),
                    "a mapping key that is itself a mapping or sequence was dropped",
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_text_and_order_is_kept() {
        let mut notes = Vec::new();
        let value =
            parse("responses:\n  200: {description: ok}\n  default: {description: err}\n", &mut notes).expect("parses");
        let text = serde_json::to_string(&value).unwrap_or_default();
        assert_eq!(text, r#"{"responses":{"200":{"description":"ok"},"default":{"description":"err"}}}"#);
        assert!(notes.is_empty());
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let mut notes = Vec::new();
        let note = parse("a: 1\nb: [1, 2\nc: 3\n", &mut notes).expect_err("fails");
        assert!(matches!(note.site, Site::LineCol(_, _)));
        assert!(note.message.starts_with("invalid YAML"));
    }

    #[test]
    fn nan_is_an_error() {
        let mut notes = Vec::new();
        assert!(parse("a: .nan\n", &mut notes).is_err());
    }
}
