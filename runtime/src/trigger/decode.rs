//! Trigger payloads to items, whatever envelope they come in.
//!
//! The same trigger's events arrive in several shapes: a poll response or a callback with a batch
//! (`{"value":[...]}`), a Connector Namespace callback wrapping that (`{"body":{"value":[...]}}`) or one item
//! (`{"body":{...}}`), a bare item, a bare array, and for file triggers a base64 string body (sometimes with stray
//! quotes). [`decode_callback`] accepts all of them and always gives a list.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, ErrorKind, Result};

/// Keys an envelope may have besides `body` (a callback's wrapper), so an item with a `body` field is not
/// mistaken for an envelope.
const ENVELOPE_KEYS: &[&str] = &["body", "headers", "statusCode", "status"];

/// Keys a batch wrapper may have besides its items array.
const BATCH_KEYS: &[&str] = &["@odata.context", "@odata.nextLink", "@odata.count", "nextLink", "odata.nextLink"];

/// Decodes a trigger payload into its items. `items` is where a batch keeps its array (`value` when empty).
///
/// ```
/// use connector_runtime::trigger::decode_callback;
///
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Mail { id: String }
///
/// let batch: Vec<Mail> = decode_callback(br#"{"body":{"value":[{"id":"1"},{"id":"2"}]}}"#, "value").unwrap();
/// let single: Vec<Mail> = decode_callback(br#"{"body":{"id":"3"}}"#, "value").unwrap();
/// let bare: Vec<Mail> = decode_callback(br#"{"id":"4"}"#, "value").unwrap();
/// assert_eq!((batch.len(), single[0].id.as_str(), bare[0].id.as_str()), (2, "3", "4"));
/// ```
pub fn decode_callback<T: DeserializeOwned>(body: &[u8], items: &str) -> Result<Vec<T>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::new(ErrorKind::Decode, format!("trigger payload is not JSON: {e}")).with_source(e))?;
    // Unwrap `{"body": ...}` envelopes.
    if let Value::Object(map) = &mut value
        && map.contains_key("body")
        && map.keys().all(|k| ENVELOPE_KEYS.contains(&k.as_str()))
    {
        value = map.remove("body").unwrap_or(Value::Null);
    }
    let items_key = if items.is_empty() { "value" } else { items };
    let (list, prefix) = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) => (list, String::new()),
        // A file trigger's content: base64 text, sometimes wrapped in stray quotes.
        Value::String(text) => (vec![Value::String(text.trim().trim_matches('"').to_owned())], String::new()),
        Value::Object(mut map) => {
            let is_batch = matches!(pointer(&map, items_key), Some(Value::Array(_)))
                && map.keys().all(|k| k == first_segment(items_key) || BATCH_KEYS.contains(&k.as_str()));
            if is_batch {
                let list = take_pointer(&mut map, items_key);
                (list, items_key.replace('/', "."))
            } else {
                (vec![Value::Object(map)], String::new())
            }
        }
        other => (vec![other], String::new()),
    };
    list.into_iter()
        .enumerate()
        .map(|(index, item)| {
            serde_path_to_error::deserialize(item).map_err(|e| {
                let inner_path = e.path().to_string();
                let at = if prefix.is_empty() { format!("[{index}]") } else { format!("{prefix}[{index}]") };
                let path = if inner_path == "." { at } else { format!("{at}.{inner_path}") };
                let inner = e.into_inner();
                Error::new(ErrorKind::Decode, inner.to_string()).with_json_path(path).with_source(inner)
            })
        })
        .collect()
}

fn first_segment(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

fn pointer<'v>(map: &'v serde_json::Map<String, Value>, path: &str) -> Option<&'v Value> {
    let mut segments = path.split('/');
    let mut current = map.get(segments.next()?)?;
    for segment in segments {
        current = current.get(segment)?;
    }
    Some(current)
}

fn take_pointer(map: &mut serde_json::Map<String, Value>, path: &str) -> Vec<Value> {
    let mut segments = path.split('/');
    let Some(first) = segments.next() else { return Vec::new() };
    let Some(mut current) = map.get_mut(first) else { return Vec::new() };
    for segment in segments {
        match current.get_mut(segment) {
            Some(next) => current = next,
            None => return Vec::new(),
        }
    }
    match current.take() {
        Value::Array(list) => list,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Message {
        id: String,
        body: Option<String>,
        value: Option<Vec<i32>>,
    }

    fn ids(items: &[Message]) -> Vec<&str> {
        items.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn every_payload_shape_decodes() -> Result<()> {
        let cases: [(&[u8], Vec<&str>); 6] = [
            (br#"{"body":{"value":[{"id":"a"},{"id":"b"}]}}"#, vec!["a", "b"]),
            (br#"{"body":{"id":"c"}}"#, vec!["c"]),
            (br#"{"id":"d"}"#, vec!["d"]),
            (br#"{"value":[{"id":"e"}],"@odata.nextLink":"x"}"#, vec!["e"]),
            (br#"[{"id":"f"},{"id":"g"}]"#, vec!["f", "g"]),
            (b"  ", vec![]),
        ];
        for (body, expected) in cases {
            let items: Vec<Message> = decode_callback(body, "value")?;
            assert_eq!(ids(&items), expected, "{}", String::from_utf8_lossy(body));
        }
        Ok(())
    }

    #[test]
    fn items_with_body_or_value_fields_are_not_envelopes() -> Result<()> {
        let items: Vec<Message> = decode_callback(br#"{"id":"h","body":"<p>hi</p>","value":[1]}"#, "value")?;
        assert_eq!(items, vec![Message { id: "h".into(), body: Some("<p>hi</p>".into()), value: Some(vec![1]) }]);
        Ok(())
    }

    #[test]
    fn file_content_is_base64_text_without_stray_quotes() -> Result<()> {
        let items: Vec<crate::model::Base64> = decode_callback(br#"{"body":"\"aGk=\""}"#, "value")?;
        assert_eq!(items[0].decode(), Some(b"hi".to_vec()));
        Ok(())
    }

    #[test]
    fn a_bad_item_names_its_index() {
        let err = decode_callback::<Message>(br#"{"value":[{"id":"a"},{"id":7}]}"#, "value").err();
        assert_eq!(err.as_ref().and_then(Error::json_path), Some("value[1].id"));
    }
}
