//! The checked-in generated code (model, XML reader/writer, constraint tables, version shapes)
//! is what `cargo xtask codegen` makes from the metaschema in the reference folder
//! (`../shared/reference`, or `POAM_REFERENCE`). The generator runs in memory, as a library:
//! a nested `cargo xtask` would wait for the build lock this `cargo test` holds.

#[test]
#[allow(clippy::print_stderr)] // the skip must be visible in the test output
fn generated_code_is_what_the_metaschema_gives() {
    let workspace = xtask::workspace_root();
    let reference = xtask::reference_dir(&workspace);
    if !reference.join("metaschema").is_dir() {
        // A fresh clone has no reference folder: nothing to compare against.
        eprintln!(
            "skipped: no metaschema under {} (set POAM_REFERENCE to the reference folder)",
            reference.display()
        );
        return;
    }
    // Panics with the message as text: it lists the stale files one per line.
    if let Err(message) = xtask::check(&workspace, &reference) {
        panic!("{message}");
    }
}
