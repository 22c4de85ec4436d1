//! rdjsonl output of diagnostics (being written).
