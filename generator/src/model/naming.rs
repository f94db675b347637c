//! Every Rust name the generator emits comes from here.
//!
//! Wire names are arbitrary strings (`@odata.nextLink`, `$top`, `Forecast job Id`, `401Error`, `< * >`, `self`);
//! Rust identifiers are not. The rules, applied in this order:
//!
//! 1. Characters outside ASCII letters and digits separate words; `heck` does the case conversion
//!    (`snake_case` for fields, parameters and methods, `PascalCase` for types and variants).
//! 2. A name with no letters or digits left gets a positional name from the caller (`field_1`, `Value1`).
//! 3. A leading digit gets a prefix: `_` for snake names (`_2022_05_01`), `V` for variants, `Type` for types.
//! 4. Keywords become raw identifiers (`r#type`); `self`, `Self`, `super` and `crate` cannot be raw, so they get
//!    a suffix (`self_`, `SelfValue`).
//! 5. Within one scope, names that collide after conversion (`userId` and `user_id`) are resolved by sorting the
//!    colliding wire names and suffixing all but the first (`user_id`, `user_id_2`). Each rename is reported.
//!
//! The wire name is always kept for `#[serde(rename = "..")]`; nothing is dropped.

use std::collections::{BTreeMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024 (including `gen`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Words separated by anything that is not an ASCII letter or digit.
fn ascii_words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 4);
    let mut previous_digit = false;
    for c in wire.chars() {
        // A letter after a digit starts a word (`401Error` reads as `401 Error`, not `401error`).
        if c.is_ascii_alphabetic() && previous_digit {
            out.push(' ');
        }
        previous_digit = c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
    }
    out
}

/// The `snake_case` identifier for a wire name, or `None` when it has no letters or digits.
pub fn snake(wire: &str) -> Option<String> {
    let mut name = ascii_words(wire).to_snake_case();
    if name.is_empty() {
        return None;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    Some(escape_keyword(name, "_"))
}

/// The `PascalCase` identifier for a wire name, or `None` when it has no letters or digits. `digit_prefix` is put
/// before a leading digit (`V` for variants, `Type` for types).
pub fn pascal(wire: &str, digit_prefix: &str) -> Option<String> {
    let mut name = ascii_words(wire).to_upper_camel_case();
    if name.is_empty() {
        return None;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if name == "Self" {
        name.push_str("Value");
    }
    Some(name)
}

fn escape_keyword(name: String, suffix: &str) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}{suffix}")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier's text without a raw prefix (for building derived names such as setters).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// How a scope turns wire names into identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`; positional names `{fallback}_{n}`; collision suffix `_{n}`.
    Snake,
    /// `PascalCase` with a digit prefix; positional names `{fallback}{n}`; collision suffix `{n}`.
    Pascal(&'static str),
}

/// One renamed identifier, for the warnings list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// The wire name.
    pub wire: String,
    /// The identifier it got.
    pub rust: String,
    /// Why it differs from the plain conversion.
    pub reason: &'static str,
}

/// Assigns identifiers to the wire names of one scope (the fields of a struct, the variants of an enum, the
/// parameters of an operation, the types of a crate). Deterministic: the result depends only on the set of
/// names, not on their order.
///
/// `reserved` names are never handed out (e.g. the flattened `additional_properties` field of every struct, or
/// `Client` among types). Returns one identifier per input, in input order, and the renames worth reporting.
pub fn assign(wires: &[&str], case: Case, fallback: &str, reserved: &[&str]) -> (Vec<String>, Vec<Rename>) {
    let mut renames = Vec::new();
    let base: Vec<Option<String>> = wires
        .iter()
        .map(|w| match case {
            Case::Snake => snake(w),
            Case::Pascal(prefix) => pascal(w, prefix),
        })
        .collect();

    // Group by candidate; inside a group the smallest wire name keeps the plain candidate.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut positional = 0usize;
    let mut candidates = Vec::with_capacity(wires.len());
    for (i, candidate) in base.iter().enumerate() {
        let candidate = match candidate {
            Some(c) => c.clone(),
            None => {
                positional += 1;
                let name = match case {
                    Case::Snake => format!("{fallback}_{positional}"),
                    Case::Pascal(_) => format!("{fallback}{positional}"),
                };
                renames.push(Rename { wire: wires[i].to_owned(), rust: name.clone(), reason: "no letters or digits" });
                name
            }
        };
        groups.entry(candidate.clone()).or_default().push(i);
        candidates.push(candidate);
    }

    let mut taken: HashSet<String> = reserved.iter().map(|r| (*r).to_owned()).collect();
    taken.extend(groups.keys().filter(|k| groups[*k].len() == 1).cloned());
    let mut out = candidates.clone();
    for (candidate, members) in &groups {
        let mut members = members.clone();
        members.sort_by(|a, b| wires[*a].cmp(wires[*b]).then(a.cmp(b)));
        let keeps_plain = members.len() == 1 && !reserved.contains(&candidate.as_str());
        for (rank, index) in members.iter().enumerate() {
            if rank == 0 && (keeps_plain || (members.len() > 1 && !reserved.contains(&candidate.as_str()))) {
                taken.insert(candidate.clone());
                continue;
            }
            let mut n = rank.max(1);
            let name = loop {
                n += 1;
                let next = suffixed(candidate, case, n);
                if !taken.contains(&next) {
                    break next;
                }
            };
            taken.insert(name.clone());
            renames.push(Rename {
                wire: wires[*index].to_owned(),
                rust: name.clone(),
                reason: if reserved.contains(&candidate.as_str()) {
                    "reserved name"
                } else {
                    "collides with another name after case conversion"
                },
            });
            out[*index] = name;
        }
    }
    (out, renames)
}

fn suffixed(candidate: &str, case: Case, n: usize) -> String {
    match case {
        Case::Snake => format!("{}_{n}", unraw(candidate)),
        Case::Pascal(_) => format!("{candidate}{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names_of_real_hazards() {
        assert_eq!(snake("@odata.nextLink").as_deref(), Some("odata_next_link"));
        assert_eq!(snake("$top").as_deref(), Some("top"));
        assert_eq!(snake("type").as_deref(), Some("r#type"));
        assert_eq!(snake("Type").as_deref(), Some("r#type"));
        assert_eq!(snake("self").as_deref(), Some("self_"));
        assert_eq!(snake("2022-05-01").as_deref(), Some("_2022_05_01"));
        assert_eq!(snake("Forecast job Id").as_deref(), Some("forecast_job_id"));
        assert_eq!(snake("< * >"), None);
        assert_eq!(snake("🇸ourceLibraryId").as_deref(), Some("ource_library_id"));
    }

    #[test]
    fn pascal_names_of_real_hazards() {
        assert_eq!(pascal("2022-05-01", "V").as_deref(), Some("V20220501"));
        assert_eq!(pascal("SELF", "V").as_deref(), Some("SelfValue"));
        assert_eq!(
            pascal("AIForged.ViewModels.UserViewModel", "Type").as_deref(),
            Some("AiForgedViewModelsUserViewModel")
        );
        assert_eq!(pascal("401Error", "Type").as_deref(), Some("Type401Error"));
        assert_eq!(pascal("*/*", "V"), None);
    }

    #[test]
    fn collisions_are_resolved_by_sorted_wire_name() {
        let (names, renames) = assign(&["user_id", "userId", "name"], Case::Snake, "field", &[]);
        // "userId" < "user_id" in byte order, so "userId" keeps the plain name.
        assert_eq!(names, vec!["user_id_2", "user_id", "name"]);
        assert_eq!(renames.len(), 1);
        let (again, _) = assign(&["name", "userId", "user_id"], Case::Snake, "field", &[]);
        assert_eq!(again, vec!["name", "user_id", "user_id_2"]);
    }

    #[test]
    fn positional_and_reserved_names() {
        let (names, renames) =
            assign(&["< * >", "_", "additionalProperties"], Case::Snake, "field", &["additional_properties"]);
        assert_eq!(names, vec!["field_1", "field_2", "additional_properties_2"]);
        assert_eq!(renames.len(), 3);
        let (variants, _) = assign(&["Etc/GMT+1", "Etc/GMT-1", ""], Case::Pascal("V"), "Value", &[]);
        assert_eq!(variants, vec!["EtcGmt1", "EtcGmt12", "Value1"]);
    }
}
