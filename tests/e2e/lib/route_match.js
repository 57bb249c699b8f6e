'use strict';
// The route table's pattern matching (src/web/routes.rs `matches`), in JavaScript: literal
// segments, `{param}` for one non-empty segment, a final `{*}` for the rest of the path.

function matches(pattern, path) {
  const pat = pattern.split('/');
  const segs = path.split('/');
  for (let i = 0; i < pat.length; i += 1) {
    if (pat[i] === '{*}') return i < segs.length && segs.slice(i).join('/') !== '';
    if (i >= segs.length) return false;
    if (pat[i].startsWith('{')) {
      if (segs[i] === '') return false;
    } else if (pat[i] !== segs[i]) {
      return false;
    }
  }
  return pat.length === segs.length;
}

module.exports = { matches };
