//! JSON or YAML: decided by the first character, before any parsing.
//!
//! A document whose first non-whitespace character is `{` or `[` is JSON (and gets the lenient JSON reader with
//! its position index); anything else is YAML. YAML flow style could also start with `{`, but connector specs
//! written that way are JSON in practice, and JSON gives far better diagnostics.

/// The syntax a spec was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// JSON, read leniently.
    Json,
    /// YAML 1.2, read through `yaml_serde`.
    Yaml,
}

/// Which reader `text` (already without a byte order mark) needs.
pub(crate) fn detect(text: &str) -> SourceFormat {
    match text.trim_start().chars().next() {
        Some('{' | '[') => SourceFormat::Json,
        _ => SourceFormat::Yaml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_mean_json_everything_else_yaml() {
        assert_eq!(detect("  \n{\"swagger\": \"2.0\"}"), SourceFormat::Json);
        assert_eq!(detect("[1]"), SourceFormat::Json);
        assert_eq!(detect("\u{2003}{}"), SourceFormat::Json);
        assert_eq!(detect("swagger: '2.0'\n"), SourceFormat::Yaml);
        assert_eq!(detect("# comment\nopenapi: 3.0.0"), SourceFormat::Yaml);
        assert_eq!(detect(""), SourceFormat::Yaml);
    }
}
