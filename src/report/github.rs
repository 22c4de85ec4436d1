//! github output of diagnostics (being written).
