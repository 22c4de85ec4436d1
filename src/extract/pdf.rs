//! PDF (to be written).

use super::{ExtractError, ExtractOptions, Extraction};

pub(super) fn read(_: &[u8], _: &ExtractOptions) -> Result<Extraction, ExtractError> {
    Err(ExtractError::new("PDF is not read yet".to_string()))
}
