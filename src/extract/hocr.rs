//! hOCR (to be written).

use super::{ExtractError, ExtractOptions, Extractor};

pub(super) fn read(_: &mut Extractor, _: &ExtractOptions) -> Result<(), ExtractError> {
    Err(ExtractError::new("hOCR is not read yet".to_string()))
}
