//! A string that must never be printed: tokens, API keys, passwords, client secrets.
//!
//! `Secret` has no `Display`, and its `Debug` prints a fixed placeholder, so a secret that ends up inside a struct
//! that is logged or formatted with `{:?}` still does not leak. Code that needs the value calls
//! [`Secret::expose`], which makes every place that reads a secret easy to find.

use std::fmt;

/// A secret string (token, key, password). Its `Debug` output is `Secret("***")`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Call this only where the value is sent on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_hides_the_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(\"***\")");
        assert_eq!(secret.expose(), "hunter2");
    }
}
