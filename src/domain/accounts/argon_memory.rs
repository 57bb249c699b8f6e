//! argon2id with a working memory that never moves glibc's mmap threshold.
//!
//! **Why.** glibc's malloc serves a 19 MiB block with `mmap`, and when such a block is freed
//! it raises its mmap threshold to the block's size ("dynamic threshold", up to 32 MiB).
//! From then on every allocation under 19 MiB, of any thread, comes from the allocator's
//! arenas and stays there when freed: after one sign-in storm the box kept ~100 MiB it no
//! longer used (measured: VmRSS 99 MiB after the storm, 42 MiB with the threshold pinned by
//! `GLIBC_TUNABLES`; the tunable needs the environment, and `mallopt` needs `unsafe`).
//! Here each hash reserves more than glibc's largest threshold ([`RESERVE_BLOCKS`], 33 MiB
//! of address space, of which only the 19 MiB used are touched): freeing a block that large
//! leaves the threshold alone, and its pages go back to the system at once.
//!
//! Same algorithm, same parameters, same PHC strings as `argon2`'s own `PasswordHasher` and
//! `PasswordVerifier` (a test checks both ways); the comparison is `Output`'s, in constant
//! time.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Blocks (1 KiB each) of address space reserved per hash: above glibc's
/// `DEFAULT_MMAP_THRESHOLD_MAX` (32 MiB on 64-bit), so that freeing it never raises the
/// threshold. Untouched pages cost no memory.
const RESERVE_BLOCKS: usize = 33 * 1024;

/// Runs `f` with `n` blocks of working memory reserved as the module says.
fn with_blocks<T>(n: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let mut blocks: Vec<Block> = Vec::with_capacity(n.max(RESERVE_BLOCKS));
    blocks.resize(n, Block::default());
    f(&mut blocks)
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
        // Twice: a second hash in memory where a first one was gives the same answer.
        assert!(verify(p, &PasswordHash::new(&made).unwrap()));
        // Bigger parameters than the reserve, and another variant.
        let big = Params::new(RESERVE_BLOCKS as u32 + 8, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, big);
        let made = argon2i.hash_password(p, &salt).unwrap().to_string();
        assert!(verify(p, &PasswordHash::new(&made).unwrap()));
    }
}
