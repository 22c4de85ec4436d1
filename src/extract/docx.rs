//! DOCX (to be written).

use super::{ExtractError, ExtractOptions, Extraction};

pub(super) fn read(_: &[u8], _: &ExtractOptions) -> Result<Extraction, ExtractError> {
    Err(ExtractError::new("DOCX is not read yet".to_string()))
}

/// Whether the bytes are a ZIP archive holding `word/document.xml`.
pub(super) fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") && memchr::memmem::find(bytes, b"word/document.xml").is_some()
}
