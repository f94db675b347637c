//! Bytes to a `serde_json::Value` with its source map: decoding, format detection and parsing together.
//!
//! Shared by the spec itself and by `apiProperties.json`, which get the same leniency and diagnostics.

use super::format::{SourceFormat, detect};
use super::notes::Note;
use super::source_map::SourceMap;
use super::{json, text, yaml};

/// A parsed input: its value, and the decoded text with positions.
#[derive(Debug)]
pub(crate) struct ReadInput {
    /// The parsed value is `map.input()`.
    pub(crate) map: SourceMap,
    pub(crate) format: SourceFormat,
}

/// Why reading failed: the error, with the source map when the bytes could at least be decoded, so that the
/// error can be located.
#[derive(Debug)]
pub(crate) struct ReadFailure {
    pub(crate) error: Note,
    pub(crate) map: Option<SourceMap>,
}

/// Reads `bytes`, adding warnings to `notes`.
pub(crate) fn read(bytes: &[u8], notes: &mut Vec<Note>) -> Result<ReadInput, Box<ReadFailure>> {
    let (decoded, decode_notes) = text::decode(bytes).map_err(|error| Box::new(ReadFailure { error, map: None }))?;
    notes.extend(decode_notes);
    let mut map = SourceMap::new(decoded.into_owned());
    let format = detect(map.text());
    let parsed = match format {
        SourceFormat::Json => json::parse(map.text(), notes).map(|p| (p.value, Some(p.tree))),
        SourceFormat::Yaml => yaml::parse(map.text(), notes).map(|v| (v, None)),
    };
    match parsed {
        Ok((value, tree)) => {
            map.set_input(value, tree);
            Ok(ReadInput { map, format })
        }
        Err(error) => Err(Box::new(ReadFailure { error, map: Some(map) })),
    }
}
