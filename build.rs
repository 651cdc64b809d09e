//! Generates `src/resources`' types from the CloudFormation schemas in `schemas/`.

#[path = "codegen/mod.rs"]
mod codegen;

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=schemas");
    println!("cargo::rerun-if-changed=codegen");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push(codegen::SchemaFile { name, text });
        }
    }
    // Sorted so the generated code does not depend on the directory's order.
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let code = codegen::generate(&files).unwrap_or_else(|e| fail(&format!("schemas/{e}")));
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|e| fail(&e.to_string())))
        .join("resources.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
