//! The fuzzing kit: generators, a reference evaluator, and the harness
//! the targets in `tests/fuzz.rs` run on.
#![allow(dead_code)]

pub mod data;
pub mod engine;
pub mod harness;
pub mod knobs;
pub mod mutate;
pub mod reference;
pub mod rng;
pub mod rules;
pub mod val;
