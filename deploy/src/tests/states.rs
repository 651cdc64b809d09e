//! Scripted deploy tests: states (see the module above for the stand-in).
#[allow(unused_imports)]
use super::*;
