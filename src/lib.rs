//! sovcost: sovereignty costs and China's treaty behaviour.
//!
//! Data flow one way: datasets (CSV, read by `table`: polars) -> panel ->
//! analysis specs and samples (`analysis`) -> models -> results (serde
//! structs, `results`) -> reports. A module imports only modules before it.

// Numerical code indexes several arrays in step; index loops read more clearly there.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod app;
pub mod bib;
pub mod csv_scan;
pub mod dataset;
pub mod design;
pub mod dictionary;
pub mod error;
pub mod formula;
pub mod io;
pub mod linalg;
pub mod memory;
pub mod models;
pub mod numeric_csv;
pub mod outcome;
pub mod panel;
pub mod quality;
pub mod report;
pub mod results;
pub mod rng;
pub mod state_panel;
pub mod table;
