//! Request bodies: JSON, form-urlencoded, multipart with file parts, raw bytes, text, and one-shot streams.
//!
//! Every body except a stream is encoded to bytes up front, so a retried attempt sends exactly the same bytes.
//! A stream is sent once and never replayed; a failure after it went out is returned to the caller as is.

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

/// A file part of a `multipart/form-data` body (Swagger `type: file`).
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    /// The file name sent in `Content-Disposition`.
    pub name: String,
    /// The part's `Content-Type`, e.g. `application/pdf`.
    pub content_type: String,
    /// The file content.
    pub bytes: Bytes,
}

impl File {
    /// A file part with `name`, `content_type` and content.
    pub fn new(name: impl Into<String>, content_type: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        File { name: name.into(), content_type: content_type.into(), bytes: bytes.into() }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A `multipart/form-data` body under construction.
///
/// ```
/// use connector_runtime::{File, Multipart};
///
/// let form = Multipart::new()
///     .text("title", "Quarterly report")
///     .file("document", File::new("q3.pdf", "application/pdf", b"%PDF-1.7".to_vec()));
/// # let _ = form;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: impl Into<String>, file: File) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file.name),
            content_type: Some(file.content_type),
            data: file.bytes,
        });
        self
    }

    /// Encodes the form; returns the `Content-Type` (with its boundary) and the body bytes.
    pub(crate) fn encode(&self) -> (String, Bytes) {
        let boundary = format!("connector-rs-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut out = BytesMut::new();
        for part in &self.parts {
            out.put_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quote(&part.name));
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quote(file_name)));
            }
            out.put_slice(disposition.as_bytes());
            out.put_slice(b"\r\n");
            if let Some(ct) = &part.content_type {
                out.put_slice(format!("Content-Type: {}\r\n", ct.replace(['\r', '\n'], "")).as_bytes());
            }
            out.put_slice(b"\r\n");
            out.put_slice(&part.data);
            out.put_slice(b"\r\n");
        }
        out.put_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), out.freeze())
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter (the HTML form rules: `"` and line breaks are
/// percent-encoded).
fn quote(name: &str) -> Cow<'_, str> {
    if name.contains(['"', '\r', '\n']) {
        Cow::Owned(name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A"))
    } else {
        Cow::Borrowed(name)
    }
}

/// Encodes `application/x-www-form-urlencoded` fields.
pub(crate) fn encode_form<'a>(fields: impl IntoIterator<Item = (&'a str, Cow<'a, str>)>) -> Bytes {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        serializer.append_pair(name, &value);
    }
    Bytes::from(serializer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_has_fields_and_file() {
        let form =
            Multipart::new().text("title", "Q3").file("doc", File::new("a\"b.pdf", "application/pdf", b"PDF".to_vec()));
        let (ct, body) = form.encode();
        let boundary = ct.trim_start_matches("multipart/form-data; boundary=");
        let text = String::from_utf8_lossy(&body);
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a%22b.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\nPDF\r\n--{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn form_encoding_uses_plus_for_space() {
        let body = encode_form([("a b", Cow::Borrowed("c&d")), ("x", Cow::Borrowed("1"))]);
        assert_eq!(&body[..], b"a+b=c%26d&x=1");
    }
}
