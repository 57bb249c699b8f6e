'use strict';
// A mediation in the browser: the mediator opens a mediation space and sets its
// confidentiality undertaking (parties invited through the API, each accepting the
// invitation, then the undertaking, in his own browser), opens one aside per party
// from the "Apartés" page; each party posts and uploads in its aside and in the
// shared room, with the loud label of where he is on every page and form. Party A
// never reads nor detects B's aside: not in his tabs, pages, search or API, and B's
// aside id answers exactly like an unknown id. Moving A's document to the shared
// room asks for a confirmation that names who will see it. Every page passes axe at
// 1280x800 and 390x844, and no request leaves the box's origin.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { appSuite } = require('../lib/harness');
const {
  a11yCollector,
  submit,
  mainText,
  setupFirm,
  assertGuards,
  appApi,
  createSpaceWith,
  invite,
  acceptInvitation,
} = require('../lib/flows');

const MEDIATOR = {
  firm: 'Cabinet Médiation-9m4k',
  name: 'Maître Médiatrice',
  email: 'mediatrice-9m4k@example.fr',
  password: 'Médiatrice-9m4k mot de passe 2026!',
};
const TITLE = 'Médiation Aubépine contre Bergamote';
const A = { email: 'partie-a-9m4k@example.fr', name: 'Alice Aubépine', password: 'Aubépine phrase de passe 41' };
const B = { email: 'partie-b-9m4k@example.fr', name: 'Bruno Bergamote', password: 'Bergamote phrase de passe 52' };
// Sentinels: if one of B's appears anywhere A looks, B's aside leaks.
const B_ASIDE = 'Partie B';
const B_SECRET = 'Plancher de B Zéphyrin-77Q';
const B_FILE = 'offre-bruno-Quetzal.txt';
const A_SECRET = 'Proposition de A Xanthe-31K';
const UNKNOWN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const UNDERTAKING = "Les parties s'engagent à ne rien révéler de ce qui est dit ou montré en médiation.";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-mediation-'));
function file(name, text) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return { path: p, name };
}
const A_FILE = file('note-alice-Ibis.txt', 'Note confidentielle de A pour le médiateur.\n');
const B_UPLOAD = file(B_FILE, 'Offre confidentielle de B.\n');

describe('a mediation: the shared room and one aside per party', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();
  const { url, api, session } = appApi(app);

  /**
   * The party accepts the invitation in a fresh browser, is shown the confidentiality
   * undertaking first, accepts it ("J'accepte") and lands in the space.
   */
  async function join(who, viewport) {
    const { page, guard } = await acceptInvitation(app, who, viewport);
    assert.equal(new URL(page.url()).pathname, `/spaces/${state.space}/undertaking`, 'the undertaking comes first');
    await page.getByRole('heading', { level: 1, name: /^Engagement de confidentialité/ }).waitFor();
    assert.ok((await mainText(page)).includes(UNDERTAKING), 'the text to accept');
    assert.equal(await page.getByRole('navigation', { name: "Sections de l'espace" }).count(), 0, 'no way into the space yet');
    await a11y.check(page, `undertaking (${who.name})`);
    await submit(page, "J'accepte");
    assert.equal(new URL(page.url()).pathname, `/spaces/${state.space}`);
    who.token = await session(who);
    who.id = (await api('GET', '/api/v1/me', who.token)).json.id;
    return { page, guard };
  }

  app.test('the mediator opens the mediation; the parties join (API + invitations)', async () => {
    const { page, guard } = await app.open('desktop');
    state.med = { page, guard };
    await setupFirm(page, app.server.setupLink, MEDIATOR);
    MEDIATOR.token = await session(MEDIATOR);
    state.space = await createSpaceWith(app.server.url, MEDIATOR.token, { title: TITLE, template: 'mediation' });
    // The confidentiality undertaking, from the "Apartés" page.
    await page.goto(url(`/spaces/${state.space}/asides`));
    await page.getByRole('link', { name: "Rédiger ou modifier l'engagement" }).click();
    await page.getByLabel('Texte', { exact: true }).fill(UNDERTAKING);
    await submit(page, "Enregistrer l'engagement");
    assert.match(await mainText(page), /Vous avez accepté ce texte\..*Acceptations/, 'who writes it accepts it');
    await a11y.check(page, 'undertaking (mediator)');
    // The parties are invited once the undertaking is written: it is the first thing they see.
    await invite(app.server.url, MEDIATOR.token, state.space, [A, B]);
    state.a = await join(A, 'desktop');
    state.b = await join(B, 'phone');
    assertGuards(guard);
  });

  app.test('the mediator opens one aside per party from the "Apartés" page', async () => {
    const { page, guard } = state.med;
    await page.goto(url(`/spaces/${state.space}`));
    await page.getByRole('navigation', { name: "Sections de l'espace" }).getByRole('link', { name: 'Apartés' }).click();
    await page.getByRole('heading', { level: 1, name: /^Apartés/ }).waitFor();
    await a11y.check(page, 'asides of the space (mediator)');
    for (const [name, who] of [['Partie A', A], [B_ASIDE, B]]) {
      await page.goto(url(`/spaces/${state.space}/asides`));
      await page.getByLabel("Nom de l'aparté", { exact: true }).fill(name);
      await page.getByRole('checkbox', { name: new RegExp(`^${who.name}`) }).check();
      const res = await submit(page, "Ouvrir l'aparté");
      assert.equal(res.status(), 200);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^Aparté — ${name}`) }).waitFor();
      const label = await page.locator('#room-label').innerText();
      assert.equal(label.trim(), `Aparté — ${name} : le médiateur et ${name} seulement (${who.name})`);
      who.aside = new URL(page.url()).pathname.split('/')[4];
      assert.match(who.aside, /^[0-9a-f]{32}$/);
    }
    await a11y.check(page, 'aside (mediator)');
    assertGuards(guard);
  });

  async function postInAside(page, who, aside, text, upload) {
    await page.goto(url(`/spaces/${state.space}`));
    const rooms = page.getByRole('navigation', { name: "Salles de l'espace" });
    assert.deepEqual(
      (await rooms.getByRole('link').allInnerTexts()).map((t) => t.trim()),
      ['Salle commune', `Aparté — ${aside}`],
      'the shared room and his own aside, nothing else',
    );
    await rooms.getByRole('link', { name: `Aparté — ${aside}` }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^Aparté — ${aside}`) }).waitFor();
    // Where he is: in words, and bound to the form for screen readers.
    const label = page.locator('#room-label');
    assert.match(await label.innerText(), new RegExp(`^Aparté — ${aside} : le médiateur et ${aside} seulement`));
    const box = page.getByLabel(`Votre message dans l'aparté ${aside}`, { exact: true });
    assert.match(await box.getAttribute('aria-describedby'), /\broom-label\b/);
    await box.fill(text);
    await submit(page, `Envoyer dans l'aparté ${aside}`);
    await page.getByText(text).waitFor();
    // The upload goes to the aside (reloads once every file is in).
    const reloaded = page.waitForNavigation({ waitUntil: 'load' });
    await page.locator('#aside-files').setInputFiles(upload.path);
    await reloaded;
    await page.locator('ul.documents strong').filter({ hasText: upload.name }).waitFor();
    await a11y.check(page, `aside of ${who.name}`);
  }

  async function postInShared(page, text) {
    await page.goto(url(`/spaces/${state.space}`));
    const label = page.locator('#room-label');
    assert.equal((await label.innerText()).trim(), 'Salle commune — visible par tous les participants');
    const box = page.getByLabel('Votre message', { exact: true });
    assert.match(await box.getAttribute('aria-describedby'), /\broom-label\b/);
    await box.fill(text);
    await submit(page, 'Envoyer');
    await page.getByText(text).waitFor();
  }

  app.test('each party posts and uploads in its aside and in the shared room', async () => {
    await postInAside(state.a.page, A, 'Partie A', A_SECRET, A_FILE);
    await postInShared(state.a.page, 'Bonjour à tous, ici Alice.');
    await a11y.check(state.a.page, 'shared room (party A)');
    await postInAside(state.b.page, B, B_ASIDE, B_SECRET, B_UPLOAD);
    await postInShared(state.b.page, 'Bonjour, ici Bruno.');
    assertGuards(state.a.guard);
    assertGuards(state.b.guard);
  });

  app.test('party A never reads nor detects B’s aside, through the UI and the API', async () => {
    const { page, guard } = state.a;
    const leaks = (text, where) => {
      for (const s of [B.aside, B_ASIDE, B_SECRET, B_FILE]) {
        assert.ok(!text.includes(s), `${where} shows ${JSON.stringify(s)}`);
      }
    };
    for (const p of [`/spaces/${state.space}`, `/spaces/${state.space}/asides`, `/spaces/${state.space}/asides/${A.aside}`, '/', '/search?q=Quetzal', '/search?q=Zéphyrin']) {
      const res = await page.goto(url(p));
      assert.equal(res.status(), 200, p);
      leaks(await page.content(), p);
    }
    await page.goto(url(`/spaces/${state.space}/asides`));
    const list = page.getByRole('region', { name: 'Les salles où vous pouvez entrer' });
    assert.equal(await list.getByRole('listitem').count(), 2, 'the shared room and his aside');
    await a11y.check(page, 'asides of the space (party A)');
    // B's aside id answers A exactly like an id that names nothing.
    for (const p of ['/spaces/S/asides/X', '/spaces/S/copy?from=X&doc=' + UNKNOWN]) {
      const [known, unknown] = [B.aside, UNKNOWN].map((x) => url(p.replace('S', state.space).replace('X', x)));
      const r1 = await page.goto(known);
      const t1 = await mainText(page);
      const r2 = await page.goto(unknown);
      const t2 = await mainText(page);
      assert.equal(r1.status(), 404, known);
      assert.deepEqual([r1.status(), t1], [r2.status(), t2], p);
    }
    // The same through the API, with A's session cookie (the browser's).
    const asides = await page.request.get(url(`/api/v1/spaces/${state.space}/asides`));
    assert.equal(asides.status(), 200);
    const body = await asides.json();
    assert.deepEqual(body.asides.map((x) => x.id), [A.aside]);
    leaks(JSON.stringify(body), 'GET /asides');
    for (const what of ['messages', 'documents']) {
      const known = await page.request.get(url(`/api/v1/spaces/${state.space}/asides/${B.aside}/${what}`));
      const unknown = await page.request.get(url(`/api/v1/spaces/${state.space}/asides/${UNKNOWN}/${what}`));
      assert.equal(known.status(), 404);
      assert.deepEqual([known.status(), await known.text()], [unknown.status(), await unknown.text()], what);
    }
    for (const p of [`/api/v1/spaces/${state.space}/messages`, `/api/v1/spaces/${state.space}/documents`, '/api/v1/search?q=Quetzal']) {
      const r = await page.request.get(url(p));
      assert.equal(r.status(), 200, p);
      leaks(await r.text(), p);
    }
    // The mediator sees both asides.
    const med = await api('GET', `/api/v1/spaces/${state.space}/asides`, MEDIATOR.token);
    assert.deepEqual(med.json.asides.map((x) => x.id), [A.aside, B.aside]);
    assertGuards(guard);
  });

  app.test('moving a document of A’s aside to the shared room asks for a confirmation naming who will see it', async () => {
    const { page, guard } = state.a;
    await page.goto(url(`/spaces/${state.space}/asides/${A.aside}`));
    await page.getByRole('link', { name: `Copier ou déplacer… ${A_FILE.name}` }).click();
    await page.getByRole('heading', { level: 1, name: 'Copier ou déplacer un document' }).waitFor();
    const shared = page.getByRole('radio', { name: 'Salle commune' });
    assert.ok(await shared.isChecked(), 'the shared room is the one other room A may use');
    await a11y.check(page, 'copy: choose the room');
    await submit(page, 'Continuer');
    // Nothing is copied yet: the page names the audience and asks.
    await page.getByRole('heading', { level: 1, name: "Confirmer la copie hors de l'aparté" }).waitFor();
    const who = (await page.locator('.confirm-who').innerText()).trim();
    assert.equal(who, `Sera visible par : ${A.name}, ${B.name} et le médiateur (${MEDIATOR.name})`);
    const before = await api('GET', `/api/v1/spaces/${state.space}/documents`, B.token);
    assert.ok(!before.text.includes(A_FILE.name), 'not in the shared room before the confirmation');
    await a11y.check(page, 'copy: confirmation');
    await submit(page, 'Confirmer : le rendre visible');
    assert.equal(new URL(page.url()).pathname, `/spaces/${state.space}`);
    await page.getByText(A_FILE.name, { exact: true }).first().waitFor();
    // B sees it now, in the shared room; the original stays in A's aside.
    const after = await api('GET', `/api/v1/spaces/${state.space}/documents`, B.token);
    assert.ok(after.text.includes(A_FILE.name), 'in the shared room after the confirmation');
    const mine = await api('GET', `/api/v1/spaces/${state.space}/asides/${A.aside}/documents`, A.token);
    assert.ok(mine.text.includes(A_FILE.name), 'still in A’s aside (a copy)');
    assertGuards(guard);
  });

  app.test('every page passes axe at both sizes', () => a11y.assertClean());
});
