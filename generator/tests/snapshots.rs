//! Snapshot tests of generated output: every file the generator writes for each fixture spec under
//! `tests/fixtures/` (one per feature and hazard). The same output is also compiled as a workspace member under
//! `tests/output/` (`cargo xtask regen` writes it, `cargo xtask regen --check` keeps it current), so a snapshot
//! that stops compiling fails the build. Review changes with `cargo insta review`.

use std::path::PathBuf;

use connector_gen::emit::RuntimeDependency;
use connector_gen::pipeline::{self, GenerateOptions};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures")).join(name)
}

fn snapshot_crate(fixture_file: &str, crate_name: &str) {
    let options = GenerateOptions {
        name: Some(crate_name.to_owned()),
        runtime: RuntimeDependency::Path("../../../runtime".to_owned()),
    };
    let generated = match pipeline::generate(&fixture(fixture_file), &options) {
        Ok(generated) => generated,
        Err(err) => panic!("{fixture_file} did not generate: {err}"),
    };
    for file in &generated.files {
        let snapshot = format!("{crate_name}__{}", file.path.display().to_string().replace(['/', '.'], "_"));
        insta::assert_snapshot!(snapshot, &file.contents);
    }
}

#[test]
fn wire_fixture() {
    snapshot_crate("wire.json", "wire-fixture");
}

#[test]
fn naming_hazards() {
    snapshot_crate("naming.json", "naming-fixture");
}

#[test]
fn type_mapping() {
    snapshot_crate("types.json", "types-fixture");
}

#[test]
fn openapi3_yaml_input() {
    snapshot_crate("openapi3.yaml", "openapi3-fixture");
}

#[test]
fn triggers_are_listed_not_callable() {
    snapshot_crate("triggers.json", "triggers-fixture");
}
