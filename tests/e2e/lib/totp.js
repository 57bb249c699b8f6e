'use strict';
// RFC 6238 TOTP (HMAC-SHA-1, 30-second steps, 6 digits) from a base32 secret,
// as an authenticator app computes it. Node's crypto only.
//
//   const { totp } = require('../lib/totp');
//   totp('JBSWY3DPEHPK3PXP')                       // the code now
//   totp(secret, { at: Date.now() / 1000 + 30 })   // the next step's code

const crypto = require('node:crypto');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (case-insensitive, spaces and '=' padding ignored) → Buffer. */
function base32Decode(text) {
  const clean = String(text).toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226) of `key` at `counter`. */
function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = crypto.createHmac('sha1', key).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The TOTP code of a base32 `secret` at Unix time `at` (seconds; default now). */
function totp(secret, { at = Date.now() / 1000, step = 30, digits = 6 } = {}) {
  return hotp(base32Decode(secret), Math.floor(at / step), digits);
}

module.exports = { totp, hotp, base32Decode };
