//! argon2id with its working memory kept by the hashing thread, instead of 19 MiB allocated
//! and freed by every hash.
//!
//! **Why.** glibc's malloc serves a block that large with `mmap`, and when such a block is
//! freed it raises its mmap threshold to the block's size ("dynamic threshold"). From then
//! on every allocation under 19 MiB, of any thread, comes from the allocator's arenas and
//! stays there when freed: after one sign-in storm the box kept ~100 MiB it no longer used
//! (measured: VmRSS 99 MiB after the storm, 42 MiB with the threshold pinned by
//! `GLIBC_TUNABLES`; the tunable needs the environment, and `mallopt` needs `unsafe`).
//! Allocated once per hashing thread and never freed, the block never moves the threshold;
//! and the threads are few ([`super::hash_queue`]), so this is 19 MiB per core but one.
//!
//! Same algorithm, same parameters, same PHC strings as `argon2`'s own `PasswordHasher` and
//! `PasswordVerifier` (a test checks both ways); the comparison is `Output`'s, in constant
//! time.

use std::cell::RefCell;

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Blocks kept per thread: enough for the box's parameters. A stored hash that needs more
/// (made with bigger parameters) gets a temporary buffer.
const KEEP_BLOCKS: usize = super::password::M_COST_KIB as usize;

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with `n` blocks of working memory: the thread's own when they suffice.
fn with_blocks<T>(n: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    if n > KEEP_BLOCKS {
        let mut temp = vec![Block::default(); n];
        return f(&mut temp);
    }
    BLOCKS.with(|b| match b.try_borrow_mut() {
        Ok(mut kept) => {
            if kept.len() < KEEP_BLOCKS {
                kept.resize(KEEP_BLOCKS, Block::default());
            }
            match kept.get_mut(..n) {
                Some(slice) => f(slice),
                None => f(&mut vec![Block::default(); n]),
            }
        }
        // Never nested; were it so, a temporary buffer is still right.
        Err(_) => f(&mut vec![Block::default(); n]),
    })
}

/// The raw output of argon2 for `password` and a PHC salt with `argon`'s parameters.
fn output(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &argon2::password_hash::Salt<'_>,
    len: usize,
) -> Option<Output> {
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).ok()?;
    let mut out = vec![0u8; len];
    with_blocks(params.block_count(), |blocks| {
        argon
            .hash_password_into_with_memory(password, salt, &mut out, blocks)
            .ok()
    })?;
    Output::new(&out).ok()
}

/// The PHC string of `password` with `params` (argon2id, version 0x13) and a new salt.
pub fn hash(password: &[u8], params: Params) -> Option<String> {
    let salt = SaltString::encode_b64(&crate::ids::random::<16>()).ok()?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let out = output(&argon, &params, password, &salt.as_salt(), len)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: argon2::password_hash::ParamsString::try_from(&params).ok()?,
        salt: Some(salt.as_salt()),
        hash: Some(out),
    };
    Some(phc.to_string())
}

/// Whether `password` gives the hash of `phc` (any argon2 variant, version and parameters
/// the string names).
pub fn verify(password: &[u8], phc: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from) {
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
        None => Version::default(),
    };
    let Ok(params) = Params::try_from(phc) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    // `Output`'s equality is constant-time.
    output(&argon, &params, password, salt, expected.len()).is_some_and(|o| o == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHasher, PasswordVerifier};

    fn params() -> Params {
        Params::new(1024, 1, 1, None).unwrap()
    }

    #[test]
    fn the_same_strings_as_the_argon2_crate_both_ways() {
        let p = b"a long enough passphrase";
        let ours = hash(p, params()).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        assert!(theirs.verify_password(p, &parsed).is_ok(), "{ours}");
        assert!(theirs.verify_password(b"wrong", &parsed).is_err());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let made = theirs.hash_password(p, &salt).unwrap().to_string();
        assert!(verify(p, &PasswordHash::new(&made).unwrap()));
        assert!(!verify(b"wrong", &PasswordHash::new(&made).unwrap()));
        // Twice on the same thread: the kept memory from the first gives the same answer.
        assert!(verify(p, &PasswordHash::new(&made).unwrap()));
        // Bigger parameters than the kept memory, and another variant.
        let big = Params::new(KEEP_BLOCKS as u32 + 8, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, big);
        let made = argon2i.hash_password(p, &salt).unwrap().to_string();
        assert!(verify(p, &PasswordHash::new(&made).unwrap()));
    }
}
