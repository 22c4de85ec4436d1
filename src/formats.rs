//! What kind of file an input is, from its first bytes (and, for a ZIP archive, the names of
//! its entries): the files people hold besides plain text (PDF, office documents, images,
//! archives) are recognised and refused with what to do, instead of being read as text in
//! some encoding. Recognition is by content, never by extension: a transcript saved as
//! `.doc` is still text, a PDF named `.txt` is still a PDF.
//!
//! Only signatures that plain text cannot begin with are used: each holds a byte that is not
//! printable ASCII, or a marker no prose starts with (`%PDF-1.`, `{\rtf1`).

/// A recognised file format that witness does not read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// What the file is, as a message names it: `a PDF document`, `a DOCX document`.
    pub name: &'static str,
    /// What to do to compare its text.
    pub advice: &'static str,
}

const TO_TEXT_DOCUMENT: &str = "save or export it as plain text (UTF-8) and compare that; witness does not read this format yet";
const OCR_FIRST: &str = "an image holds no text to compare: run OCR on it first (e.g. `tesseract IMAGE out`) and compare the text";
const NOT_A_TEXT: &str = "it holds no text to compare";

/// Signatures at the start of a file: (magic bytes, format).
const SIGNATURES: &[(&[u8], Format)] = &[
    (
        b"%PDF-",
        Format {
            name: "a PDF document",
            advice: "witness reads its text layer itself: leave out `--input-format text` (or extract it, e.g. `pdftotext -layout FILE FILE.txt`, and compare that)",
        },
    ),
    (
        b"{\\rtf1",
        Format {
            name: "an RTF document",
            advice: TO_TEXT_DOCUMENT,
        },
    ),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        Format {
            name: "a Microsoft Office 97-2003 document (.doc, .xls, .ppt) or a password-protected Office file",
            advice: TO_TEXT_DOCUMENT,
        },
    ),
    (
        b"\x89PNG\r\n\x1A\n",
        Format {
            name: "a PNG image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"\xFF\xD8\xFF",
        Format {
            name: "a JPEG image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"GIF87a",
        Format {
            name: "a GIF image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"GIF89a",
        Format {
            name: "a GIF image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"II*\x00",
        Format {
            name: "a TIFF image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"MM\x00*",
        Format {
            name: "a TIFF image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"\x00\x00\x00\x0CjP  \r\n\x87\n",
        Format {
            name: "a JPEG 2000 image",
            advice: OCR_FIRST,
        },
    ),
    (
        b"\x1F\x8B",
        Format {
            name: "a gzip-compressed file",
            advice: "decompress it first (`gunzip -k FILE`)",
        },
    ),
    (
        b"\xFD7zXZ\x00",
        Format {
            name: "an xz-compressed file",
            advice: "decompress it first (`unxz -k FILE`)",
        },
    ),
    (
        b"\x28\xB5\x2F\xFD",
        Format {
            name: "a zstd-compressed file",
            advice: "decompress it first (`unzstd FILE`)",
        },
    ),
    (
        b"7z\xBC\xAF\x27\x1C",
        Format {
            name: "a 7-Zip archive",
            advice: "unpack it and give the text files inside",
        },
    ),
    (
        b"\x7FELF",
        Format {
            name: "an executable (ELF)",
            advice: NOT_A_TEXT,
        },
    ),
    (
        b"SQLite format 3\x00",
        Format {
            name: "an SQLite database",
            advice: NOT_A_TEXT,
        },
    ),
];

/// The ZIP-based formats, told apart by an entry every file of the format has: (entry name,
/// format). OpenDocument and EPUB are told by their stored `mimetype` entry instead.
const ZIP_ENTRIES: &[(&[u8], Format)] = &[
    (
        b"word/document.xml",
        Format {
            name: "a DOCX document",
            advice: "witness reads its text itself: leave out `--input-format text` (or save it as plain text and compare that)",
        },
    ),
    (
        b"xl/workbook.xml",
        Format {
            name: "an XLSX spreadsheet",
            advice: NOT_A_TEXT,
        },
    ),
    (
        b"ppt/presentation.xml",
        Format {
            name: "a PPTX presentation",
            advice: TO_TEXT_DOCUMENT,
        },
    ),
];

const ZIP_MIMETYPES: &[(&[u8], Format)] = &[
    (
        b"application/vnd.oasis.opendocument.text",
        Format {
            name: "an OpenDocument text (ODT)",
            advice: TO_TEXT_DOCUMENT,
        },
    ),
    (
        b"application/epub+zip",
        Format {
            name: "an EPUB book",
            advice: TO_TEXT_DOCUMENT,
        },
    ),
];

const ZIP: Format = Format {
    name: "a ZIP archive",
    advice: "unpack it and give the text files inside",
};

/// The format of a file that is not text, recognised from its bytes; `None` for anything
/// else (text in any encoding, and formats not listed).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(zip_format(bytes));
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(Format {
            name: "a WebP image",
            advice: OCR_FIRST,
        });
    }
    if bytes.starts_with(b"BZh") && bytes.get(4..10) == Some(b"1AY&SY") {
        return Some(Format {
            name: "a bzip2-compressed file",
            advice: "decompress it first (`bunzip2 -k FILE`)",
        });
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|&(_, format)| format)
}

/// A ZIP archive's format: OpenDocument and EPUB store their `mimetype` first and
/// uncompressed, so its content follows the first local header; the Office Open XML formats
/// are told by an entry's name, which every local and central header stores uncompressed.
fn zip_format(bytes: &[u8]) -> Format {
    // The first local header: 30 bytes, then the name (length at 26), the extra field
    // (length at 28), then the data.
    let le16 = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if let (Some(name_len), Some(extra_len)) = (le16(26), le16(28))
        && bytes.get(30..30 + name_len) == Some(b"mimetype")
    {
        let data = &bytes[(30 + name_len + extra_len).min(bytes.len())..];
        if let Some(&(_, format)) = ZIP_MIMETYPES.iter().find(|(m, _)| data.starts_with(m)) {
            return format;
        }
    }
    ZIP_ENTRIES
        .iter()
        .find(|(entry, _)| memchr::memmem::find(bytes, entry).is_some())
        .map_or(ZIP, |&(_, format)| format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_never_a_format() {
        for text in [
            "".as_bytes(),
            b"%PDF is a file format",
            b"PK is a name",
            b"BZh",
            b"MZ ring road",
            "跨里海".as_bytes(),
            b"\xEF\xBB\xBFtext with a BOM",
            b"\xFF\xFEt\x00e\x00",
        ] {
            assert_eq!(sniff(text), None, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Text that starts with a letter, a digit, an ideograph, a space or common
        /// punctuation is never taken for a format, whatever follows (the signatures that
        /// begin with printable ASCII need exact markers: `%PDF-`, `{\rtf1`, `GIF8`, `BZh`
        /// with its block magic, `RIFF` with `WEBP`, `PK` with bytes 3 and 4).
        #[test]
        fn text_is_not_sniffed(first in "[a-zA-Z0-9 \n，。“跨里海中国（-]", rest in "\\PC{0,40}") {
            let text = format!("{first}{rest}");
            let starts_a_marker = ["GIF8", "BZh", "RIFF", "SQLite", "II*", "MM"]
                .iter()
                .any(|m| text.starts_with(m));
            proptest::prop_assume!(!starts_a_marker);
            proptest::prop_assert_eq!(sniff(text.as_bytes()), None);
        }
    }

    #[test]
    fn signatures_name_the_format() {
        let name = |b: &[u8]| sniff(b).map(|f| f.name);
        assert_eq!(name(b"%PDF-1.7\n%\xE2\xE3"), Some("a PDF document"));
        assert_eq!(name(b"\x89PNG\r\n\x1A\n\0\0"), Some("a PNG image"));
        assert_eq!(name(b"RIFF\x10\0\0\0WEBPVP8 "), Some("a WebP image"));
        assert_eq!(name(b"BZh91AY&SY\x01"), Some("a bzip2-compressed file"));
        assert_eq!(name(b"\x1F\x8B\x08\0"), Some("a gzip-compressed file"));
        assert_eq!(name(b"PK\x03\x04\x14\0"), Some("a ZIP archive"));
    }
}
