//! Typed reads of single fields, repairing the small type mistakes real specs make.
//!
//! `openapiv3` rejects a whole document when one `description` is a number or one `readOnly` is the string
//! `"true"`. These readers return the field in the type the target wants, converting what has an obvious
//! meaning and dropping the rest, each time with a warning at the field's pointer.

use serde_json::{Map, Number, Value};

use super::Upgrade;

impl Upgrade<'_> {
    /// A text field (`description`, `title`, ...) of `object`.
    pub(super) fn text(&mut self, object: &Map<String, Value>, key: &str) -> Option<String> {
        let value = object.get(key)?;
        self.within(key, |u| u.text_value(key, value))
    }

    /// A boolean field of `object`.
    pub(super) fn flag(&mut self, object: &Map<String, Value>, key: &str) -> Option<bool> {
        let value = object.get(key)?;
        self.within(key, |u| u.flag_value(key, value))
    }

    /// A list-of-strings field of `object`.
    pub(super) fn strings(&mut self, object: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
        let value = object.get(key)?;
        self.within(key, |u| u.strings_value(key, value))
    }

    /// Text, at the current pointer: numbers and booleans become their text.
    pub(super) fn text_value(&mut self, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            scalar @ (Value::Number(_) | Value::Bool(_)) => {
                self.warn_here(format!("`{key}` should be a string; {scalar} read as text"));
                Some(scalar.to_string())
            }
            other => {
                self.warn_here(format!("`{key}` should be a string, not {}; dropped", kind(other)));
                None
            }
        }
    }

    /// A boolean, at the current pointer: the strings `"true"` and `"false"` are accepted with a warning.
    pub(super) fn flag_value(&mut self, key: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                self.warn_here(format!("`{key}` should be a boolean; the string \"{s}\" read as one"));
                Some(s.eq_ignore_ascii_case("true"))
            }
            Value::Null => None,
            other => {
                self.warn_here(format!("`{key}` should be a boolean, not {}; dropped", kind(other)));
                None
            }
        }
    }

    /// A list of strings (`consumes`, `tags`), at the current pointer: a single string is a list of one.
    fn strings_value(&mut self, key: &str, value: &Value) -> Option<Vec<String>> {
        match value {
            Value::Array(items) => {
                let strings: Vec<String> = items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                if strings.len() != items.len() {
                    self.warn_here(format!("`{key}` should list only strings; other entries dropped"));
                }
                Some(strings)
            }
            Value::String(s) => {
                self.warn_here(format!("`{key}` should be a list; the single string read as a list of one"));
                Some(vec![s.clone()])
            }
            Value::Null => None,
            other => {
                self.warn_here(format!("`{key}` should be a list of strings, not {}; dropped", kind(other)));
                None
            }
        }
    }

    /// A number (`minimum`, `multipleOf`), at the current pointer: numeric strings are converted.
    pub(super) fn number_value(&mut self, key: &str, value: &Value) -> Option<Number> {
        match value {
            Value::Number(n) => Some(n.clone()),
            Value::String(s) => match number_from_text(s) {
                Some(n) => {
                    self.warn_here(format!("`{key}` should be a number; the string \"{s}\" read as one"));
                    Some(n)
                }
                None => {
                    self.warn_here(format!("`{key}` should be a number, not \"{s}\"; dropped"));
                    None
                }
            },
            Value::Null => None,
            other => {
                self.warn_here(format!("`{key}` should be a number, not {}; dropped", kind(other)));
                None
            }
        }
    }

    /// A count (`minLength`, `maxItems`), at the current pointer: a non-negative integer; integral floats and
    /// numeric strings are converted with a warning.
    pub(super) fn count_value(&mut self, key: &str, value: &Value) -> Option<u64> {
        if let Some(n) = value.as_u64() {
            return Some(n);
        }
        let converted = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 9.0e15);
        match converted {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(f) => {
                self.warn_here(format!("`{key}` should be a non-negative integer; {value} read as {f}"));
                Some(f as u64)
            }
            None if value.is_null() => None,
            None => {
                self.warn_here(format!("`{key}` should be a non-negative integer, not {value}; dropped"));
                None
            }
        }
    }

    /// A warning about the child `key` of the node being visited.
    pub(super) fn warn_child(&mut self, key: &str, message: impl Into<String>) {
        let pointer = self.ptr.child(key);
        self.notes.warn(&pointer, message);
    }

    /// A warning about the node being visited.
    pub(super) fn warn_here(&mut self, message: impl Into<String>) {
        let pointer = self.ptr.as_str().to_owned();
        self.notes.warn(&pointer, message);
    }
}

fn number_from_text(text: &str) -> Option<Number> {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::from(i));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// "a string", "an object", ... for messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
