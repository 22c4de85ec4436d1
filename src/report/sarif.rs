//! sarif output of diagnostics (being written).
