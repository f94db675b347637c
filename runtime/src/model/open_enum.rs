//! Open enums: the known values of a string enum plus `Other(String)`, so a value the spec did not list (a
//! service adds values over time) decodes instead of failing, and round-trips unchanged.

/// Implements an open string enum: maps its known variants to wire values, with `Other(String)` for anything
/// else. The enum itself is declared normally (so its docs format like any other item); this macro adds
/// `Serialize`/`Deserialize` (as the wire string), `Display`, `FromStr` (never fails), `as_str`, `from_wire`,
/// `Default` (the first variant) and [`ParamValue`](crate::ParamValue).
///
/// ```
/// /// How important a message is.
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// pub enum Importance {
///     /// Low importance.
///     Low,
///     /// Normal importance.
///     Normal,
///     /// A value this crate does not know (kept verbatim).
///     Other(String),
/// }
/// connector_runtime::open_enum!(Importance { Low = "low", Normal = "normal" });
///
/// let parsed: Importance = serde_json::from_str("\"urgent\"").unwrap();
/// assert_eq!(parsed, Importance::Other("urgent".to_owned()));
/// assert_eq!(serde_json::to_string(&Importance::Low).unwrap(), "\"low\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(other) => other.as_str(),
                }
            }

            /// The variant for a wire value (`Other` when unknown).
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                $crate::__first_variant!($name; $($variant),+)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::__deserialize_open_enum(deserializer, Self::from_wire)
            }
        }

        impl $crate::ParamValue for $name {
            fn param_items(&self) -> ::std::vec::Vec<::std::borrow::Cow<'_, str>> {
                ::std::vec![::std::borrow::Cow::Borrowed(self.as_str())]
            }
        }
    };
}

/// The first variant of a list (for `Default`).
#[doc(hidden)]
#[macro_export]
macro_rules! __first_variant {
    ($name:ident; $first:ident $(, $rest:ident)*) => {
        $name::$first
    };
}

/// Deserializes an open enum from a string; numbers and booleans (sloppy services) are taken as their text.
#[doc(hidden)]
pub fn __deserialize_open_enum<'de, D, T>(deserializer: D, from_wire: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string enum value")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }

        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<T, E> {
            Ok((self.0)(if v { "true" } else { "false" }))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
            Ok((self.0)(&v.to_string()))
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
            Ok((self.0)(&v.to_string()))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
            Ok((self.0)(&v.to_string()))
        }
    }

    deserializer.deserialize_any(Visitor(from_wire))
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Color {
        Red,
        Empty,
        Other(String),
    }
    crate::open_enum!(Color { Red = "red", Empty = "" });

    #[test]
    fn known_unknown_and_empty_values_round_trip() -> Result<(), serde_json::Error> {
        let values: Vec<Color> = serde_json::from_str(r#"["red","blue","",7]"#)?;
        assert_eq!(values, vec![Color::Red, Color::Other("blue".into()), Color::Empty, Color::Other("7".into())]);
        assert_eq!(serde_json::to_string(&values)?, r#"["red","blue","","7"]"#);
        assert_eq!(Color::default(), Color::Red);
        Ok(())
    }
}
