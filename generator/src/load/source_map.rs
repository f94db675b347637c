//! From JSON pointers to line:column in the file the user wrote.
//!
//! Later stages only see the upgraded `openapiv3` document, but users need positions in their own file. The
//! JSON reader records where each value starts in a [`PositionTree`] that mirrors the parsed value; the upgrade
//! records where each moved node came from (`#/components/schemas/X` came from `#/definitions/X`). Together
//! they answer [`SourceMap::locate`] for any pointer into the loaded document. YAML input has no position tree,
//! so its pointers locate to nothing (its parse errors still carry line:column).

use std::collections::HashMap;

use serde_json::Value;

use super::pointer;

/// Where a value starts in the text, and where its elements or members start, in document order.
///
/// For objects, `children[i]` belongs to the `i`-th key of the parsed map (a duplicate key's later value
/// replaces the node in place, as it replaces the value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PositionTree {
    pub(crate) start: usize,
    pub(crate) children: Vec<PositionTree>,
}

/// The decoded input text with what is needed to locate nodes in it.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    text: String,
    line_starts: Vec<usize>,
    /// The input document as parsed (before any upgrade).
    input: Value,
    /// Start offsets of the input's values; JSON input only.
    tree: Option<PositionTree>,
    /// Document pointer prefix -> input pointer prefix, recorded by the Swagger 2.0 upgrade.
    origins: HashMap<String, String>,
}

impl SourceMap {
    pub(crate) fn new(text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { text, line_starts, input: Value::Null, tree: None, origins: HashMap::new() }
    }

    pub(crate) fn set_input(&mut self, value: Value, tree: Option<PositionTree>) {
        self.input = value;
        self.tree = tree;
    }

    /// The input document as parsed, before any upgrade.
    pub fn input(&self) -> &Value {
        &self.input
    }

    pub(crate) fn set_origins(&mut self, origins: HashMap<String, String>) {
        self.origins = origins;
    }

    /// The input as decoded text (after BOM removal and Windows-1252 repair).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (counted in characters) of a byte offset into [`SourceMap::text`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts.get(line_index.saturating_sub(1)).copied().unwrap_or(0);
        let column = self.text.get(line_start..offset).map_or(offset - line_start, |s| s.chars().count());
        (line_index.max(1), column + 1)
    }

    /// Line and column of a node of the loaded document, by JSON pointer (`#/components/schemas/Pet`).
    ///
    /// Nodes that the Swagger 2.0 upgrade moved are traced back to where they were written; a pointer below
    /// what the input has locates to its deepest existing ancestor.
    pub fn locate(&self, document_pointer: &str) -> Option<(usize, usize)> {
        self.locate_input(&self.input_pointer(document_pointer))
    }

    /// The pointer in the input document that a pointer into the loaded document came from.
    pub fn input_pointer(&self, document_pointer: &str) -> String {
        let parts: Vec<String> = pointer::segments(document_pointer).collect();
        for len in (0..=parts.len()).rev() {
            let prefix = pointer::join(parts.iter().take(len).map(String::as_str));
            if let Some(origin) = self.origins.get(&prefix) {
                let rest = parts.iter().skip(len).map(String::as_str);
                let mut out = origin.clone();
                out.push_str(pointer::join(rest).trim_start_matches('#'));
                return out;
            }
        }
        document_pointer.to_owned()
    }

    /// Line and column of a node of the input document as written, by JSON pointer.
    pub fn locate_input(&self, input_pointer: &str) -> Option<(usize, usize)> {
        let (mut value, mut tree) = (&self.input, self.tree.as_ref()?);
        for segment in pointer::segments(input_pointer) {
            let index = match value {
                Value::Object(map) => map.keys().position(|k| *k == segment),
                Value::Array(items) => segment.parse::<usize>().ok().filter(|&i| i < items.len()),
                _ => None,
            };
            let next = index.and_then(|i| {
                let child_value = match value {
                    Value::Object(map) => map.values().nth(i),
                    Value::Array(items) => items.get(i),
                    _ => None,
                };
                child_value.zip(tree.children.get(i))
            });
            match next {
                Some((v, t)) => (value, tree) = (v, t),
                None => break,
            }
        }
        Some(self.line_col(tree.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let map = SourceMap::new("{\r\n  \"é\": 1,\n\"b\"".to_owned());
        assert_eq!(map.line_col(0), (1, 1));
        assert_eq!(map.line_col(3), (2, 1));
        // `1` sits after two spaces, `"é"` (3 characters, 4 bytes), `:` and a space.
        assert_eq!(map.line_col(12), (2, 9));
        assert_eq!(map.line_col(999), (3, 4));
    }

    #[test]
    fn origins_translate_moved_nodes_back() {
        let mut map = SourceMap::new(String::new());
        map.set_origins(HashMap::from([("#/components/schemas".to_owned(), "#/definitions".to_owned())]));
        assert_eq!(map.input_pointer("#/components/schemas/A b/properties/x"), "#/definitions/A b/properties/x");
        assert_eq!(map.input_pointer("#/paths"), "#/paths");
    }
}
