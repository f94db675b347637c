//! Placeholder: throughput benchmark arrives in its own commit.
fn main() {}
