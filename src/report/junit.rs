//! junit output of diagnostics (being written).
