//! The JSON reader and the loader on any bytes as members.json.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load_and_grade("members.json", data));
