//! Signed tree heads: the ledger's head written as a C2SP `tlog-checkpoint` (origin, tree
//! size, base64 root, one per line) and signed as a C2SP `signed-note` with Ed25519 — the
//! format of Go's checksum database, Sigstore's Rekor v2 and Trillian Tessera. A head kept
//! somewhere the ledger's writers cannot change (a signed git tag, a CI artifact, a
//! colleague's copy) later proves that the history up to it was not rewritten.
//!
//! Keys use the signed-note encodings: a verifier key is `NAME+HEXID+BASE64(0x01 ‖ public)`,
//! a signing key `PRIVATE+KEY+NAME+HEXID+BASE64(0x01 ‖ seed)`; the key id is the first four
//! bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ public).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, Verifier as _};
use sha2::{Digest as _, Sha256};

use super::merkle::Hash;

/// The signature type of Ed25519 in signed notes.
const ED25519: u8 = 0x01;
/// The em dash and space that start a signature line.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// What is wrong with a key, a note or a checkpoint.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    /// A key name that signed notes cannot carry.
    #[error("{0:?} cannot name a key: give a non-empty name without spaces or '+'")]
    BadName(String),
    /// Text that is not a key of the expected kind.
    #[error("not a {kind} key ({why})")]
    BadKey {
        /// `signing` or `verifier`.
        kind: &'static str,
        /// What is wrong.
        why: String,
    },
    /// Text that is not a checkpoint.
    #[error("not a checkpoint: {0}")]
    BadCheckpoint(String),
    /// No signature by the key, or one that does not verify.
    #[error("the checkpoint is not signed by {0}")]
    NotSigned(String),
    /// The system's random source failed.
    #[error("cannot generate a key: {0}")]
    Random(String),
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(NoteError::BadName(name.to_string()));
    }
    Ok(())
}

/// The key id: SHA-256(name ‖ LF ‖ type ‖ public key), first four bytes.
fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn hex4(id: &[u8; 4]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes `0x01 ‖ 32 bytes` from base64.
fn typed_key(b64: &str) -> Option<[u8; 32]> {
    let bytes = B64.decode(b64).ok()?;
    match bytes.split_first() {
        Some((&ED25519, rest)) => rest.try_into().ok(),
        _ => None,
    }
}

/// A key that signs tree heads.
#[derive(Clone)]
pub struct SigningKey {
    name: String,
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.verifier().encode())
    }
}

impl SigningKey {
    /// A new key from the system's random source.
    pub fn generate(name: &str) -> Result<SigningKey, NoteError> {
        check_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| NoteError::Random(e.to_string()))?;
        Ok(SigningKey {
            name: name.to_string(),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }

    /// Reads `PRIVATE+KEY+NAME+HEXID+BASE64` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<SigningKey, NoteError> {
        let bad = |why: &str| NoteError::BadKey {
            kind: "signing",
            why: why.to_string(),
        };
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("it does not start with PRIVATE+KEY+"))?;
        // The key is base64, which may hold '+' itself: split off two fields only.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected PRIVATE+KEY+NAME+ID+KEY"));
        };
        check_name(name)?;
        let seed = typed_key(b64).ok_or_else(|| bad("the key is not an Ed25519 key"))?;
        let key = SigningKey {
            name: name.to_string(),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        };
        if hex4(&key.id()) != id {
            return Err(bad("its id does not match its name and key"));
        }
        Ok(key)
    }

    fn id(&self) -> [u8; 4] {
        key_id(&self.name, self.key.verifying_key().as_bytes())
    }

    /// `PRIVATE+KEY+NAME+HEXID+BASE64(0x01 ‖ seed)`: keep it secret, outside the repository.
    pub fn encode(&self) -> String {
        let mut typed = vec![ED25519];
        typed.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex4(&self.id()),
            B64.encode(typed)
        )
    }

    /// The key that checks this key's signatures.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// `text` (ending in a newline) as a signed note.
    pub fn sign(&self, text: &str) -> String {
        let signature = self.key.sign(text.as_bytes());
        let mut blob = self.id().to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        format!(
            "{text}\n{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            B64.encode(blob)
        )
    }
}

/// A key that checks signatures on tree heads: publish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifierKey {
    /// Reads `NAME+HEXID+BASE64(0x01 ‖ public)`.
    pub fn parse(text: &str) -> Result<VerifierKey, NoteError> {
        let bad = |why: &str| NoteError::BadKey {
            kind: "verifier",
            why: why.to_string(),
        };
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected NAME+ID+KEY"));
        };
        check_name(name)?;
        let public = typed_key(b64).ok_or_else(|| bad("the key is not an Ed25519 key"))?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public)
            .map_err(|_| bad("not a valid Ed25519 public key"))?;
        if hex4(&key_id(name, &public)) != id {
            return Err(bad("its id does not match its name and key"));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            key,
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `NAME+HEXID+BASE64(0x01 ‖ public)`.
    pub fn encode(&self) -> String {
        let mut typed = vec![ED25519];
        typed.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex4(&key_id(&self.name, self.key.as_bytes())),
            B64.encode(typed)
        )
    }

    /// Checks that `note` carries a valid signature by this key; returns the signed text.
    pub fn open<'n>(&self, note: &'n str) -> Result<&'n str, NoteError> {
        let (text, signatures) = split_note(note)?;
        let id = key_id(&self.name, self.key.as_bytes());
        for (name, blob) in signatures {
            if name != self.name || blob.len() != 68 || blob[..4] != id {
                continue;
            }
            let Ok(signature) = ed25519_dalek::Signature::from_slice(&blob[4..]) else {
                continue;
            };
            // The first signature by this key decides: a bad one rejects the note.
            return self
                .key
                .verify(text.as_bytes(), &signature)
                .map(|()| text)
                .map_err(|_| NoteError::NotSigned(self.encode()));
        }
        Err(NoteError::NotSigned(self.encode()))
    }
}

/// A signature line: the key's name and the decoded `key id ‖ signature`.
type SignatureLine<'n> = (&'n str, Vec<u8>);

/// Splits a signed note into its text (with its final newline) and its signatures. A note
/// without signatures is its own text.
fn split_note(note: &str) -> Result<(&str, Vec<SignatureLine<'_>>), NoteError> {
    let bad = |why: &str| NoteError::BadCheckpoint(why.to_string());
    let Some(at) = note.rfind("\n\n") else {
        return Ok((note, Vec::new()));
    };
    let (text, lines) = (&note[..=at], &note[at + 2..]);
    let mut signatures = Vec::new();
    for line in lines.split_terminator('\n') {
        let rest = line
            .strip_prefix(SIGNATURE_PREFIX)
            .ok_or_else(|| bad("a line after the blank line is not a signature"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| bad("a signature line has no signature"))?;
        let blob = B64
            .decode(b64)
            .map_err(|_| bad("a signature is not base64"))?;
        signatures.push((name, blob));
    }
    if !lines.ends_with('\n') {
        return Err(bad("the note does not end with a newline"));
    }
    Ok((text, signatures))
}

/// A tree head: which ledger (origin), how many records, and their Merkle root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeHead {
    /// The ledger's origin line.
    pub origin: String,
    /// Records in the tree.
    pub size: u64,
    /// Their Merkle root (RFC 6962).
    pub root: Hash,
}

impl TreeHead {
    /// The checkpoint text: `origin`, size and base64 root, each on its own line.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// Reads a checkpoint, signed or not (signatures are checked by [`VerifierKey::open`]).
    pub fn parse(note: &str) -> Result<TreeHead, NoteError> {
        let bad = |why: &str| NoteError::BadCheckpoint(why.to_string());
        let (text, _) = split_note(note)?;
        let mut lines = text.split_terminator('\n');
        let origin = lines.next().filter(|o| !o.is_empty());
        let (Some(origin), Some(size), Some(root)) = (origin, lines.next(), lines.next()) else {
            return Err(bad(
                "expected an origin, a tree size and a root, one per line",
            ));
        };
        let size = size
            .parse()
            .ok()
            .filter(|_| size == "0" || !size.starts_with('0'))
            .ok_or_else(|| bad("the tree size is not a number"))?;
        let root = B64
            .decode(root)
            .ok()
            .and_then(|r| <Hash>::try_from(r).ok())
            .ok_or_else(|| bad("the root is not a base64 SHA-256 hash"))?;
        Ok(TreeHead {
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_head_round_trips_and_a_changed_one_fails() {
        let key = SigningKey::generate("archive.example/witness").unwrap();
        let head = TreeHead {
            origin: "witness.ledger/abc".into(),
            size: 7,
            root: [7; 32],
        };
        let note = key.sign(&head.text());
        let vkey = VerifierKey::parse(&key.verifier().encode()).unwrap();
        assert_eq!(vkey.open(&note), Ok(head.text().as_str()));
        assert_eq!(TreeHead::parse(&note), Ok(head.clone()));
        let forged = note.replacen("\n7\n", "\n8\n", 1);
        assert_eq!(vkey.open(&forged), Err(NoteError::NotSigned(vkey.encode())));
        let other = SigningKey::generate("archive.example/witness").unwrap();
        assert!(other.verifier().open(&note).is_err());
        // Keys survive their text form.
        let again = SigningKey::parse(&key.encode()).unwrap();
        assert_eq!(again.verifier(), key.verifier());
    }

    #[test]
    fn the_wire_format_is_the_c2sp_one() {
        // A fixed seed: the key id and the layout of the signature line are pinned.
        let key = SigningKey {
            name: "example.com/log".into(),
            key: ed25519_dalek::SigningKey::from_bytes(&[1; 32]),
        };
        let public = key.key.verifying_key();
        let mut h = Sha256::new();
        h.update(b"example.com/log\n\x01");
        h.update(public.as_bytes());
        let expected_id = hex4(&h.finalize()[..4].try_into().unwrap());
        assert!(
            key.verifier()
                .encode()
                .starts_with(&format!("example.com/log+{expected_id}+"))
        );
        let note = key.sign("example.com/log\n1\nAAAA\n");
        let sig_line = note.lines().last().unwrap();
        assert!(sig_line.starts_with("\u{2014} example.com/log "));
        let blob = B64.decode(sig_line.rsplit(' ').next().unwrap()).unwrap();
        assert_eq!(blob.len(), 4 + 64);
        assert_eq!(hex4(&blob[..4].try_into().unwrap()), expected_id);
        assert!(note.contains("\n\n\u{2014} "));
    }

    #[test]
    fn bad_keys_and_notes_are_named() {
        assert_eq!(
            SigningKey::generate("has space").unwrap_err(),
            NoteError::BadName("has space".into())
        );
        assert!(matches!(
            VerifierKey::parse("name+0000+AAAA"),
            Err(NoteError::BadKey { .. })
        ));
        assert!(matches!(
            TreeHead::parse("origin\nx\nAAAA\n"),
            Err(NoteError::BadCheckpoint(_))
        ));
        assert!(matches!(
            TreeHead::parse("origin\n1\nAAAA\n\nnot a signature\n"),
            Err(NoteError::BadCheckpoint(_))
        ));
    }
}
