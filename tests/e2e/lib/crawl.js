'use strict';
// Finds concrete URLs for the route table's patterns by following the links of the app as
// one person sees it (a browser context's cookies), from a few start pages. The sweep then
// visits, for each GET route, some of the URLs found for it: ids come from the pages, not
// from the spec, so a route added later is filled as soon as some page links to it.

const { matches } = require('./route_match');

/**
 * Breadth-first over same-origin links reachable from `starts`, fetched with the context's
 * request API (no rendering). Returns Map(pattern → Set(url path)). At most `perPattern`
 * URLs are kept (and followed) per pattern, and `maxFetches` pages are fetched in all.
 */
async function crawl(context, origin, starts, patterns, { perPattern = 4, maxFetches = 400 } = {}) {
  const found = new Map(patterns.map((p) => [p, new Set()]));
  const seen = new Set();
  const queue = [...starts];
  let fetches = 0;
  while (queue.length && fetches < maxFetches) {
    const p = queue.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    fetches += 1;
    let res;
    try {
      res = await context.request.get(`${origin}${p}`, { maxRedirects: 5, timeout: 15_000 });
    } catch {
      continue;
    }
    const type = res.headers()['content-type'] || '';
    if (!res.ok() || !type.startsWith('text/html')) continue;
    const html = await res.text();
    for (const m of html.matchAll(/(?:href|src)="([^"#]+)"/g)) {
      let u;
      try {
        u = new URL(m[1].replace(/&amp;/g, '&'), `${origin}${p}`);
      } catch {
        continue;
      }
      if (u.origin !== origin) continue;
      const path = u.pathname;
      // A literal segment wins over a parameter (`/mail/new` is not the mail `new`).
      const pattern = patterns
        .filter((pat) => matches(pat, path))
        .sort((a, b) => a.split('{').length - b.split('{').length)[0];
      if (!pattern) continue;
      const set = found.get(pattern);
      const full = `${path}${u.search}`; // some pages need their query (`/spaces/{id}/copy?doc=…`)
      if (set.has(full) || set.size >= perPattern) continue;
      set.add(full);
      // Sign-out and language links change the session: never followed.
      if (!/^\/(logout|lang\/)/.test(path)) queue.push(full);
    }
  }
  return found;
}

module.exports = { crawl };
