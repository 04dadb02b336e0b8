//! The CSV reader and the loader on any bytes as members.csv.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load_and_grade("members.csv", data));
