//! Discriminated unions: a base schema with a `discriminator` property whose value picks one of several subtypes.

/// Implements serde for a union enum whose variants box one subtype each, chosen by the tag property, plus an
/// `Other(serde_json::Value)` variant for tags the spec does not list (kept as sent). `Default` is
/// `Other(Value::Null)`.
///
/// ```
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
/// pub struct Dog { pub kind: String, pub barks: Option<bool> }
///
/// #[derive(Clone, Debug, PartialEq)]
/// pub enum Pet { Dog(Box<Dog>), Other(serde_json::Value) }
/// connector_runtime::tagged_union!(Pet, "kind", { Dog = "dog" });
///
/// let pet: Pet = serde_json::from_str(r#"{"kind":"dog","barks":true}"#).unwrap();
/// assert!(matches!(pet, Pet::Dog(ref d) if d.barks == Some(true)));
/// let other: Pet = serde_json::from_str(r#"{"kind":"cat"}"#).unwrap();
/// assert!(matches!(other, Pet::Other(_)));
/// ```
#[macro_export]
macro_rules! tagged_union {
    ($name:ident, $tag:literal, { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::Other($crate::serde_json::Value::Null)
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => $crate::serde::Serialize::serialize(value, serializer),)*
                    Self::Other(value) => $crate::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value: $crate::serde_json::Value = $crate::serde::Deserialize::deserialize(deserializer)?;
                match value.get($tag).and_then($crate::serde_json::Value::as_str) {
                    $(Some($wire) => $crate::serde_json::from_value(value)
                        .map(|inner| Self::$variant(::std::boxed::Box::new(inner)))
                        .map_err(<D::Error as $crate::serde::de::Error>::custom),)*
                    _ => Ok(Self::Other(value)),
                }
            }
        }
    };
}
