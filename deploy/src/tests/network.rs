//! Scripted deploy tests: network (see the module above for the stand-in).
#[allow(unused_imports)]
use super::*;
