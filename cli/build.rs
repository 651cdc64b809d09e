//! Links the `cfnforge` executable at a fixed address on Linux (not position-independent).
//!
//! Why: the schema facts of all 1,884 resource types (`cfnforge::resources::type_info`) are
//! static tables holding about 110,000 pointers. In a position-independent executable the
//! dynamic loader rewrites every one of them at each start and so touches every page of them:
//! about 1.3 ms of the 3.0 ms that `cfnforge synth` of the shipped stack took
//! (`benches/synth.py`). Linked at a fixed address, the pointers are final in the file and only
//! the pages a command reads are loaded: 1.6 ms. The cost is that address-space layout
//! randomisation does not move the executable's own code and data (shared libraries, heap and
//! stack are still randomised). Build with `CFNFORGE_PIE=1` to keep the position-independent
//! link. Other systems (macOS requires position-independent executables) are left as they are.

fn main() {
    println!("cargo:rerun-if-env-changed=CFNFORGE_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var_os("CFNFORGE_PIE").is_none() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
