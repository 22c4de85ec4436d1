//! The RFC 6962 Merkle tree over ledger records: leaf hash = SHA-256(0x00 ‖ record), which is
//! the record id; node hash = SHA-256(0x01 ‖ left ‖ right); the tree over n leaves splits at the
//! largest power of two below n. Inclusion and consistency proofs follow RFC 6962 §2.1.1–2, and
//! are checked as RFC 9162 §2.1.3.2 and §2.1.4.2 describe.

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf (a record id), a node, or a root.
pub type Hash = [u8; 32];

/// The leaf hash of a record's canonical bytes: its id.
pub fn leaf_hash(record: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(record);
    h.finalize().into()
}

/// The hash of an inner node over its two children.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// Merkle tree hash of the leaves.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Audit path of leaf `m` in the tree over `leaves` (RFC 6962 PATH).
pub fn inclusion_proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = inclusion_proof(m, &leaves[..k]);
        p.push(root(&leaves[k..]));
        p
    } else {
        let mut p = inclusion_proof(m - k, &leaves[k..]);
        p.push(root(&leaves[..k]));
        p
    }
}

/// Consistency proof between the tree of the first `m` leaves and the tree of all of them
/// (RFC 6962 PROOF).
pub fn consistency_proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    fn subproof(m: usize, leaves: &[Hash], complete: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if complete {
                Vec::new()
            } else {
                vec![root(leaves)]
            };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &leaves[..k], complete);
            p.push(root(&leaves[k..]));
            p
        } else {
            let mut p = subproof(m - k, &leaves[k..], false);
            p.push(root(&leaves[..k]));
            p
        }
    }
    if m == 0 || m > leaves.len() {
        return Vec::new();
    }
    subproof(m, leaves, true)
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// Checks a consistency proof between an old and a new tree head (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size == 0 || old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if old_size.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && fr == *old_root && sr == *new_root
}

/// The right edge of a tree: the roots of its perfect subtrees, largest first. It lets a
/// leaf be appended, and the root computed, without the other leaves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    /// How many leaves the tree has.
    pub size: u64,
    /// One hash per set bit of `size`, from the highest bit down.
    pub nodes: Vec<Hash>,
}

impl Frontier {
    /// Appends a leaf.
    pub fn push(&mut self, leaf: Hash) {
        let mut h = leaf;
        let mut size = self.size;
        // Merge with equal-sized subtrees, as binary addition carries.
        while size & 1 == 1 {
            let left = self.nodes.pop().unwrap_or(h);
            h = node_hash(&left, &h);
            size >>= 1;
        }
        self.nodes.push(h);
        self.size += 1;
    }

    /// The root of the tree.
    pub fn root(&self) -> Hash {
        let mut it = self.nodes.iter().rev();
        match it.next() {
            None => empty_root(),
            Some(&last) => it.fold(last, |acc, left| node_hash(left, &acc)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("record {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn frontier_root_equals_full_root() {
        let all = leaves(70);
        let mut f = Frontier::default();
        for (i, l) in all.iter().enumerate() {
            f.push(*l);
            assert_eq!(f.root(), root(&all[..=i]), "size {}", i + 1);
            assert_eq!(f.nodes.len() as u32, f.size.count_ones());
        }
    }

    #[test]
    fn inclusion_proofs_verify_and_catch_changes() {
        for n in 1..40 {
            let all = leaves(n);
            let r = root(&all);
            for m in 0..n {
                let p = inclusion_proof(m, &all);
                assert!(
                    verify_inclusion(m as u64, n as u64, &all[m], &p, &r),
                    "{m} of {n}"
                );
                let other = leaf_hash(b"forged");
                assert!(!verify_inclusion(m as u64, n as u64, &other, &p, &r));
            }
        }
    }

    #[test]
    fn consistency_proofs_verify_and_catch_rewrites() {
        for n in 1..40 {
            let all = leaves(n);
            for m in 1..=n {
                let p = consistency_proof(m, &all);
                let (old, new) = (root(&all[..m]), root(&all));
                assert!(
                    verify_consistency(m as u64, n as u64, &old, &new, &p),
                    "{m} -> {n}"
                );
                if m < n {
                    let mut rewritten = all[..m].to_vec();
                    rewritten[0] = leaf_hash(b"rewritten");
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &root(&rewritten),
                        &new,
                        &p
                    ));
                }
            }
        }
    }

    #[test]
    fn known_answer_for_rfc6962_empty_and_single() {
        assert_eq!(crate::source::hex_sha256(&[]), hex(&empty_root()));
        let l = leaf_hash(b"");
        assert_eq!(
            hex(&l),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }
}
