//! Workspace-level tests live in `tests/`: generated clients (the fixture crates under `output/` and the crates
//! under `generated/`) against real HTTP servers on 127.0.0.1. This library is empty on purpose.
