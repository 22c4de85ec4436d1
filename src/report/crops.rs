//! Crops of the page image: for a witness read from PAGE-XML, ALTO or hOCR that names its page
//! image, the picture of the line a variant or an erratum is on, as a PNG data URL a report
//! embeds beside it.
//!
//! **Which files are read.** The name the file gives ([`crate::extract::PageImage::file`]) is
//! resolved against the directory of the document (its path as given):
//!
//! - a relative name (`0001.tif`, `images/0001.tif`, `../OCR-D-IMG/0001.png`) is looked up in
//!   the document's directory, then in the directory above it (an OCR-D workspace names images
//!   relative to its root, one level above the PAGE files), then by its file name alone in the
//!   document's directory; a name whose `..` would climb above the directory above the
//!   document's is refused;
//! - an absolute name (`/home/me/scan.png`, `C:\scans\0001.tif`) or a URL (`file://…`,
//!   `https://…`) is looked up by its file name alone, in the document's directory and then the
//!   one above it; nothing is fetched over a network;
//! - `\` separates directories as `/` does (Windows tools write it);
//! - what is found must be a regular file (a symbolic link to one is followed: workspaces link
//!   their images), opened without blocking, of at most [`MAX_IMAGE_BYTES`], and must decode,
//!   by its content and not its name, as PNG, JPEG or TIFF of at most [`MAX_IMAGE_SIDE`] pixels
//!   a side. Anything else gives no crop — never an error, and never the file's bytes: a crop
//!   is always re-encoded pixels.
//!
//! So a report embeds nothing but pictures from beside its documents. A document read from
//! the standard input names no usable image.
//!
//! **The crop** is the line's box ([`crate::Address::line_bbox`]: PAGE `TextLine/Coords`, an
//! ALTO `TextLine`'s, an hOCR `ocr_line`'s), scaled to pixels by the image's size over the
//! page's when the file gives it (so ALTO in `mm10` or `inch1200` units and a page image of
//! another resolution are cut right), clamped to the image, scaled down (never up) to at most
//! the height asked and [`MAX_WIDTH`] wide, and written as a PNG in 16 levels of grey (stored
//! 8-bit: 0, 17, … 255). Grey because a crop is there to read the line: on dinglehopper's colour
//! scans a line 1,088 px wide is 66 KB as an RGB PNG, 27 KB in 256 greys and 10 KB in 16, which
//! still shows the antialiased strokes (4 levels, 3 KB, no longer reads well). Only the first
//! frame of a file is read: the later pages of a multi-page TIFF that several hOCR pages name
//! get no crop.
//!
//! **Memory.** An image is decoded when a crop of it is first asked for (the decoder refuses
//! one that needs more than 512 MiB), and kept in grey (a byte a pixel: 70 MB for a 7,000 ×
//! 10,000 newspaper page); [`Crops`] keeps the last two decoded, and remembers the images that
//! could not be read, so each is tried once.

use crate::source::Document;

/// The most bytes an image file may have to be read.
pub const MAX_IMAGE_BYTES: u64 = 256 << 20;

/// The most pixels an image may have on a side to be decoded.
pub const MAX_IMAGE_SIDE: u32 = 40_000;

/// The widest a crop is made, in pixels: a longer line is scaled down to fit.
pub const MAX_WIDTH: u32 = 1200;

/// The page images of structured documents, decoded once each, and crops of their lines.
pub struct Crops {
    #[cfg(feature = "crops")]
    cache: imp::Cache,
}

impl Default for Crops {
    fn default() -> Crops {
        Crops::new()
    }
}

impl std::fmt::Debug for Crops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crops").finish_non_exhaustive()
    }
}

impl Crops {
    /// A cache with nothing decoded yet.
    pub fn new() -> Crops {
        Crops {
            #[cfg(feature = "crops")]
            cache: imp::Cache::default(),
        }
    }

    /// A PNG data URL (`data:image/png;base64,…`) of the line holding byte `byte` of `doc`'s
    /// text, scaled down to at most `max_height` pixels high and [`MAX_WIDTH`] wide; or `None`
    /// when the document is not PAGE-XML, ALTO or hOCR, names no image, the image is missing,
    /// outside the directories allowed (see the [module](self)) or unreadable, the place has no
    /// line box, or the box is off the image. Never an error: the report just has no crop.
    /// Always `None` in a build without the `crops` feature.
    pub fn line(&mut self, doc: &Document, byte: usize, max_height: u32) -> Option<String> {
        #[cfg(feature = "crops")]
        {
            self.cache.line(doc, byte, max_height)
        }
        #[cfg(not(feature = "crops"))]
        {
            let _ = (doc, byte, max_height);
            None
        }
    }
}

/// Where the image `file`, named by the document at `doc_path`, may be, in the order to try
/// them (see the [module](self) for the rule). Empty for a name that climbs too high, or a
/// document read from the standard input.
pub fn candidates(doc_path: &str, file: &str) -> Vec<std::path::PathBuf> {
    use std::path::{Path, PathBuf};
    if doc_path == crate::source::STDIN || doc_path.is_empty() {
        return Vec::new();
    }
    let dir = Path::new(doc_path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let up = dir.join("..");
    let file = file.trim();
    let (relative, name) = match url_path(file) {
        Some(path) => (None, path),
        None => (Some(file.to_string()), file.to_string()),
    };
    let parts = |s: &str| -> Vec<String> {
        s.split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != ".")
            .map(str::to_string)
            .collect()
    };
    let base = parts(&name).pop().filter(|b| b != "..");
    let absolute = name.starts_with(['/', '\\'])
        || (name.len() >= 2
            && name.as_bytes()[1] == b':'
            && name.as_bytes()[0].is_ascii_alphabetic());
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |p: PathBuf| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    match relative.filter(|_| !absolute) {
        Some(rel) => {
            // Normalise lexically: `depth` is how far above the document's directory the path
            // has climbed; one level (the workspace) at most.
            let mut kept: Vec<String> = Vec::new();
            let mut depth = 0usize;
            for part in parts(&rel) {
                if part == ".." {
                    if kept.pop().is_none() {
                        depth += 1;
                        if depth > 1 {
                            return Vec::new();
                        }
                    }
                } else {
                    kept.push(part);
                }
            }
            if kept.is_empty() {
                return Vec::new();
            }
            let tail: PathBuf = kept.iter().collect();
            if depth == 0 {
                push(dir.join(&tail));
            }
            push(up.join(&tail));
            if let Some(last) = kept.last() {
                push(dir.join(last));
            }
        }
        None => {
            if let Some(base) = base {
                push(dir.join(&base));
                push(up.join(&base));
            }
        }
    }
    out
}

/// The path of a URL (`scheme:…`), percent-decoded; `None` for a name that is no URL (a
/// Windows drive letter is not a scheme).
fn url_path(name: &str) -> Option<String> {
    let colon = name.find(':')?;
    let scheme = &name[..colon];
    let is_scheme = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    let rest = name[colon + 1..].split(['?', '#']).next().unwrap_or("");
    // `//host/path`: the path only.
    let rest = match rest.strip_prefix("//") {
        Some(authority) => authority.find('/').map_or("", |k| &authority[k..]),
        None => rest,
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut k = 0;
    while k < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[k] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(k + 1).and_then(|b| hex(*b)),
                bytes.get(k + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((h * 16 + l) as u8);
            k += 3;
        } else {
            out.push(bytes[k]);
            k += 1;
        }
    }
    // Always absolute: a URL's path is looked up by its file name only.
    let path = String::from_utf8_lossy(&out).into_owned();
    Some(format!("/{}", path.trim_start_matches('/')))
}

#[cfg(feature = "crops")]
mod imp {
    use std::collections::{HashMap, HashSet};
    use std::io::{BufReader, Read as _};
    use std::path::{Path, PathBuf};

    use base64::Engine as _;
    use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
    use image::imageops::{self, FilterType};
    use image::{ExtendedColorType, GrayImage, ImageEncoder as _, ImageFormat};

    use super::{MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MAX_WIDTH, candidates};
    use crate::extract::PageImage;
    use crate::source::Document;

    /// Decoded images kept at once.
    const KEEP: usize = 2;
    /// Crops remembered (several variants on one line ask for it again).
    const MEMO: usize = 16;
    /// Name resolutions remembered before the table is cleared.
    const RESOLVED: usize = 4096;

    type MemoKey = (PathBuf, [i64; 4], Option<[i64; 2]>, u32);

    #[derive(Default)]
    pub(super) struct Cache {
        /// (document's path, name in it) → the image file, if one is found.
        resolved: HashMap<(String, String), Option<PathBuf>>,
        /// The last images decoded, the most recent last.
        decoded: Vec<(PathBuf, GrayImage)>,
        /// Files that did not decode as an image.
        failed: HashSet<PathBuf>,
        /// The last crops made: (file, line box, page size, height asked) → data URL.
        memo: Vec<(MemoKey, Option<String>)>,
    }

    impl Cache {
        pub(super) fn line(
            &mut self,
            doc: &Document,
            byte: usize,
            max_height: u32,
        ) -> Option<String> {
            if max_height == 0 {
                return None;
            }
            let (page, line) = doc.page_line(byte)?;
            if page.frame > 0 {
                return None;
            }
            let path = self.resolve(&doc.path, &page.file)?;
            let key = (path, line, page.size, max_height);
            if let Some((_, url)) = self.memo.iter().find(|(k, _)| *k == key) {
                return url.clone();
            }
            let pixels = self.image(&key.0)?;
            let url = pixel_box(page, line, pixels.dimensions())
                .and_then(|cut| crop(pixels, cut, max_height))
                .map(|png| {
                    let mut url = String::from("data:image/png;base64,");
                    base64::engine::general_purpose::STANDARD.encode_string(png, &mut url);
                    url
                });
            if self.memo.len() == MEMO {
                self.memo.remove(0);
            }
            self.memo.push((key, url.clone()));
            url
        }

        fn resolve(&mut self, doc_path: &str, file: &str) -> Option<PathBuf> {
            let key = (doc_path.to_string(), file.to_string());
            if let Some(found) = self.resolved.get(&key) {
                return found.clone();
            }
            let found = candidates(doc_path, file).into_iter().find(|p| p.is_file());
            if self.resolved.len() >= RESOLVED {
                self.resolved.clear();
            }
            self.resolved.insert(key, found.clone());
            found
        }

        /// The image decoded, from the cache or the file.
        fn image(&mut self, path: &Path) -> Option<&GrayImage> {
            if self.failed.contains(path) {
                return None;
            }
            match self.decoded.iter().position(|(p, _)| p == path) {
                Some(k) => {
                    let entry = self.decoded.remove(k);
                    self.decoded.push(entry);
                }
                None => {
                    // Drop what is kept before decoding another: two at most in memory.
                    if self.decoded.len() >= KEEP {
                        self.decoded.remove(0);
                    }
                    match decode(path) {
                        Some(pixels) => self.decoded.push((path.to_path_buf(), pixels)),
                        None => {
                            self.failed.insert(path.to_path_buf());
                            return None;
                        }
                    }
                }
            }
            self.decoded.last().map(|(_, pixels)| pixels)
        }
    }

    /// Decodes a PNG, JPEG or TIFF file (told by its content), to 8-bit grey.
    fn decode(path: &Path) -> Option<GrayImage> {
        let (file, meta) = crate::source::open_regular(path).ok()?;
        if meta.len() > MAX_IMAGE_BYTES {
            return None;
        }
        let input = BufReader::new(file.take(MAX_IMAGE_BYTES));
        let mut reader = image::ImageReader::new(input).with_guessed_format().ok()?;
        if !matches!(
            reader.format()?,
            ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Tiff
        ) {
            return None;
        }
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_IMAGE_SIDE);
        limits.max_image_height = Some(MAX_IMAGE_SIDE);
        reader.limits(limits);
        Some(reader.decode().ok()?.into_luma8())
    }

    /// The line's box in the image's pixels, `[x, y, width, height]`, clamped to the image;
    /// `None` when nothing of it is on the image.
    fn pixel_box(page: &PageImage, line: [i64; 4], (w, h): (u32, u32)) -> Option<[u32; 4]> {
        let (sx, sy) = match page.size {
            Some([pw, ph]) if pw > 0 && ph > 0 => (w as f64 / pw as f64, h as f64 / ph as f64),
            _ => (1.0, 1.0),
        };
        let [x0, y0, x1, y1] = line;
        let span = |a: i64, b: i64, scale: f64, max: u32| {
            let lo = (a.min(b) as f64 * scale).floor().clamp(0.0, max as f64) as u32;
            let hi = (a.max(b) as f64 * scale).ceil().clamp(0.0, max as f64) as u32;
            (hi > lo).then_some((lo, hi - lo))
        };
        let (x, cw) = span(x0, x1, sx, w)?;
        let (y, ch) = span(y0, y1, sy, h)?;
        Some([x, y, cw, ch])
    }

    /// The crop, scaled down to fit, in 16 greys, as PNG bytes.
    fn crop(image: &GrayImage, [x, y, w, h]: [u32; 4], max_height: u32) -> Option<Vec<u8>> {
        let scale = (max_height as f64 / h as f64)
            .min(MAX_WIDTH as f64 / w as f64)
            .min(1.0);
        let size = |v: u32| ((v as f64 * scale).round() as u32).max(1);
        let (nw, nh) = (size(w), size(h));
        let view = imageops::crop_imm(image, x, y, w, h);
        let mut cut = if (nw, nh) == (w, h) {
            view.to_image()
        } else {
            imageops::resize(&*view, nw, nh, FilterType::Triangle)
        };
        for p in cut.pixels_mut() {
            p.0[0] = grey16(p.0[0]);
        }
        let mut out = Vec::new();
        // Best compression saves 2% for 5 times the time (22 ms a line of dinglehopper's
        // pages against 4).
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive)
            .write_image(cut.as_raw(), nw, nh, ExtendedColorType::L8)
            .ok()?;
        Some(out)
    }

    /// The nearest of the 16 greys 0, 17, … 255.
    fn grey16(v: u8) -> u8 {
        ((v as u16 * 15 + 127) / 255 * 17) as u8
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn greys_are_rounded_to_multiples_of_17() {
            let greys = [0, 8, 9, 17, 25, 26, 128, 246, 247, 255].map(super::grey16);
            assert_eq!(greys, [0, 0, 17, 17, 17, 34, 136, 238, 255, 255]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(doc: &str, file: &str) -> Vec<String> {
        candidates(doc, file)
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn relative_names_stay_beside_the_document_or_one_level_up() {
        assert_eq!(
            paths("ws/GT/p.xml", "p.tif"),
            ["ws/GT/p.tif", "ws/GT/../p.tif"]
        );
        // An OCR-D workspace: the name is relative to the workspace, above the PAGE file.
        assert_eq!(
            paths("ws/GT/p.xml", "IMG/p.tif"),
            ["ws/GT/IMG/p.tif", "ws/GT/../IMG/p.tif", "ws/GT/p.tif"]
        );
        assert_eq!(
            paths("ws/GT/p.xml", "../IMG/./p.tif"),
            ["ws/GT/../IMG/p.tif", "ws/GT/p.tif"]
        );
        assert_eq!(
            paths("p.xml", "a\\b.png"),
            ["./a/b.png", "./../a/b.png", "./b.png"]
        );
        assert_eq!(paths("ws/GT/p.xml", "x/../../IMG/p.tif").len(), 2);
    }

    #[test]
    fn names_that_climb_higher_are_refused() {
        assert!(candidates("ws/GT/p.xml", "../../secret.png").is_empty());
        assert!(candidates("ws/GT/p.xml", "../x/../../secret.png").is_empty());
        assert!(candidates("ws/GT/p.xml", "..").is_empty());
        assert!(candidates("ws/GT/p.xml", "").is_empty());
        assert!(candidates(crate::source::STDIN, "p.png").is_empty());
    }

    #[test]
    fn absolute_names_and_urls_are_looked_up_by_file_name_only() {
        let both = ["ws/GT/p.png", "ws/GT/../p.png"];
        assert_eq!(paths("ws/GT/p.xml", "/home/me/scans/p.png"), both);
        assert_eq!(paths("ws/GT/p.xml", "C:\\scans\\p.png"), both);
        assert_eq!(paths("ws/GT/p.xml", "file:///home/me/p.png"), both);
        assert_eq!(
            paths("ws/GT/p.xml", "https://example.org/img/p.png?x=1"),
            both
        );
        assert_eq!(
            paths("ws/GT/p.xml", "file:///home/me/p%20q.png"),
            ["ws/GT/p q.png", "ws/GT/../p q.png"]
        );
        assert!(candidates("ws/GT/p.xml", "https://example.org/").is_empty());
        assert!(candidates("ws/GT/p.xml", "/..").is_empty());
    }
}
