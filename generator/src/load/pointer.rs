//! JSON pointers (RFC 6901) in their URI-fragment spelling, `#/paths/~1users~1{id}/get`.
//!
//! Diagnostics name nodes by pointer, and the upgrade builds pointers for every node it visits, so building
//! must be cheap: [`PointerBuf`] is one growing string that segments are pushed onto and truncated off again,
//! never a fresh allocation per node. Segments are kept verbatim apart from the two RFC 6901 escapes (`~0`,
//! `~1`); no percent-encoding, because connector specs write raw spaces in names and references.

/// A pointer under construction: `#` followed by `/segment` parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PointerBuf(String);

/// A position in a [`PointerBuf`] to truncate back to after visiting a child.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark(usize);

impl PointerBuf {
    /// The root pointer, `#`.
    pub(crate) fn root() -> Self {
        Self(String::from("#"))
    }

    /// A pointer from its spelled-out form (must start with `#`).
    pub(crate) fn from_text(pointer: &str) -> Self {
        Self(pointer.to_owned())
    }

    /// Appends one segment (escaped) and returns the mark to [`PointerBuf::pop`] back to.
    pub(crate) fn push(&mut self, segment: &str) -> Mark {
        let mark = Mark(self.0.len());
        self.0.push('/');
        push_escaped(&mut self.0, segment);
        mark
    }

    /// Appends an array index.
    pub(crate) fn push_index(&mut self, index: usize) -> Mark {
        let mark = Mark(self.0.len());
        self.0.push('/');
        self.0.push_str(&index.to_string());
        mark
    }

    /// Removes everything pushed since `mark`.
    pub(crate) fn pop(&mut self, mark: Mark) {
        self.0.truncate(mark.0);
    }

    /// The pointer as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// A copy of the pointer extended by one segment, for diagnostics about a child.
    pub(crate) fn child(&self, segment: &str) -> String {
        let mut text = self.0.clone();
        text.push('/');
        push_escaped(&mut text, segment);
        text
    }
}

fn push_escaped(out: &mut String, segment: &str) {
    if !segment.contains(['~', '/']) {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// One segment in its escaped pointer spelling (`/users/{id}` -> `~1users~1{id}`).
pub(crate) fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_escaped(&mut out, segment);
    out
}

/// Splits a pointer (`#/a/b~1c`, `/a/b`, or `#`) into unescaped segments.
pub(crate) fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    let body = pointer.strip_prefix('#').unwrap_or(pointer);
    let body = body.strip_prefix('/');
    body.into_iter()
        .flat_map(|b| b.split('/'))
        .map(|s| if s.contains('~') { s.replace("~1", "/").replace("~0", "~") } else { s.to_owned() })
}

/// Joins segments into the `#/...` spelling.
pub(crate) fn join<'s>(parts: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = String::from("#");
    for part in parts {
        out.push('/');
        push_escaped(&mut out, part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slash_and_tilde_in_segments() {
        let mut p = PointerBuf::root();
        let m = p.push("paths");
        p.push("/users/{id}");
        p.push_index(2);
        assert_eq!(p.as_str(), "#/paths/~1users~1{id}/2");
        p.pop(m);
        assert_eq!(p.as_str(), "#");
        assert_eq!(join(["a~b"]), "#/a~0b");
    }

    #[test]
    fn splits_back_into_segments() {
        let parts: Vec<_> = segments("#/paths/~1users~1{id}/get/a~0b").collect();
        assert_eq!(parts, ["paths", "/users/{id}", "get", "a~b"]);
        assert_eq!(segments("#").count(), 0);
        assert_eq!(segments("#/definitions/Send translation request").count(), 2);
    }
}
