import { randomBytes, randomUUID } from 'node:crypto';
import { ok } from '../support/client';
import { checkClaimReviewPage, checkPublicPage, fetchPage, jsonLdOf, parseXml, pathOf, visibleText } from '../support/public-page';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, signUp, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const attack = '<script>alert(1)</script>';

/** A reviewer and an editor whose names, emails and organisation a public page must never show. */
async function newsroom(world: World) {
  const organization = `Newsroom ${randomBytes(4).toString('hex')}`;
  const organizationId = await world.organization(organization);
  const person = async (role: 'REVIEWER' | 'EDITOR', name: string) => {
    const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomBytes(4).toString('hex')}@example.org`;
    const invitationCode = await world.invite(organizationId, email, role);
    return signUp(world.anonymous, { displayName: `${name} ${randomBytes(3).toString('hex')}`, invitationCode }, email);
  };
  const reviewer = await person('REVIEWER', 'Aigerim Reviewer');
  const editor = await person('EDITOR', 'Dana Editor');
  const displayNames = await Promise.all(
    [reviewer, editor].map(async (member) => ok(await member.api.op('Viewer')).viewer.displayName as string),
  );
  return { reviewer, editor, forbidden: [reviewer.email, editor.email, organization, ...displayNames] };
}

/** A claim voted into CONSENSUS and published by the editor; returns its id. */
async function publish(world: World, editor: Member, reviewer: Member, claimId: string, summary: string, rating = 'FALSE') {
  await world.vote(reviewer, claimId, rating);
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary } }));
}

async function apiClaimReview(world: World, claimId: string) {
  return ok(await world.anonymous.op('ClaimDetail', { id: claimId })).claim.claimReview as Record<string, any> | null;
}

test('a published claim: its page carries the API\'s ClaimReview once, with the same label, text, canonical url and language, and no reviewer', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor, forbidden } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const statement = `Tanks entered Almaty ${attack} & "the square" ${randomBytes(3).toString('hex')}`;
  const claimId = await world.submitClaim(reviewer, eventId, statement, {
    sourceUrl: 'https://t.me/channel/123?from=a&b=c',
    language: 'ru',
    firstSeenAt: '2022-01-05T08:30:00.000Z',
    context: `Shared widely ${attack}`,
  });
  ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/photo?x=1&y=2', title: `Photo ${attack}`, excerpt: 'Armoured cars, not tanks' } }));
  ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'CONTEXT', title: 'Witness account, no link' } }));
  await publish(world, editor, reviewer, claimId, `Armoured cars, not tanks ${attack}`);

  const claimReview = (await apiClaimReview(world, claimId))!;
  expect(claimReview).not.toBeNull();
  const page = await fetchPage(server.url, pathOf(claimReview.url));
  checkPublicPage(page, { forbidden });
  checkClaimReviewPage(page, claimReview, 'ru');
  expect(page.body).not.toContain(attack); // every user text is text: an escaped statement, context, summary, title
  expect(visibleText(page, '.summary')).toBe(`Armoured cars, not tanks ${attack}`);
  expect(visibleText(page, '.context')).toBe(`Shared widely ${attack}`);

  // As it circulated, with its source, first-seen date, evidence links out, the publisher and dates.
  const links = page.document.querySelectorAll('a').map((a) => a.getAttribute('href'));
  expect(links).toEqual(expect.arrayContaining(['https://t.me/channel/123?from=a&b=c', 'https://example.org/photo?x=1&y=2', '/rating-scale', '/corrections']));
  expect(page.document.querySelectorAll('time').map((t) => t.getAttribute('datetime'))).toEqual(
    expect.arrayContaining(['2022-01-05T08:30:00.000Z', claimReview.datePublished]),
  );
  expect(page.document.querySelectorAll('.evidence li')).toHaveLength(2);
  expect(page.document.querySelector('.evidence')!.text).toContain(`Photo ${attack}`);
  expect(page.body).toContain('Test Desk');

  // No redirect, no login: the exact url answers 200 to an anonymous reader, and so does HEAD.
  expect(page.headers.get('location')).toBeNull();
  const head = await fetchPage(server.url, pathOf(claimReview.url), { method: 'HEAD' });
  expect(head).toMatchObject({ status: 200, body: '' });
  expect(head.headers.get('etag')).toBe(page.headers.get('etag'));
});

test('a page is cached: an ETag and Cache-Control, and a conditional GET answers 304 until the page changes', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'The airport was seized by protesters');
  await publish(world, editor, reviewer, claimId, 'It was closed, not seized.', 'MISLEADING');
  const path = pathOf((await apiClaimReview(world, claimId))!.url);

  const first = await fetchPage(server.url, path);
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^"[\w-]+"$/);
  expect(first.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
  const again = await fetchPage(server.url, path, { headers: { 'if-none-match': etag } });
  expect(again).toMatchObject({ status: 304, body: '' });

  ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/notam', title: 'NOTAM' } }));
  const changed = await fetchPage(server.url, path, { headers: { 'if-none-match': etag } });
  expect(changed.status).toBe(200);
  expect(changed.headers.get('etag')).not.toBe(etag);
});

test('a reopened claim keeps its page, says it is under review again, shows the old verdict withdrawn and has no markup until published again', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor, forbidden } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'Shots were fired at the akimat', { language: 'kk' });
  await publish(world, editor, reviewer, claimId, 'No shots were fired.');
  const published = (await apiClaimReview(world, claimId))!;
  const path = pathOf(published.url);
  ok(await editor.api.op('ReopenClaim', { input: { claimId, reason: `New footage from the square ${attack}` } }));
  expect(await apiClaimReview(world, claimId)).toBeNull();

  const reopened = await fetchPage(server.url, path);
  expect(reopened.status).toBe(200);
  checkPublicPage(reopened, { forbidden });
  expect(jsonLdOf(reopened)).toHaveLength(0);
  expect(reopened.document.querySelectorAll('.verdict-label')).toHaveLength(0);
  expect(visibleText(reopened, '.notice')).toContain('Under review again');
  expect(visibleText(reopened, '.notice')).toContain(`New footage from the square ${attack}`);
  expect(visibleText(reopened, 'del.withdrawn-label')).toBe('False');
  expect(visibleText(reopened, 'h1.claim')).toBe('Shots were fired at the akimat');
  expect(reopened.document.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe(published.url);
  expect(reopened.document.querySelector('html')?.getAttribute('lang')).toBe('kk');

  // The event's page no longer lists it; the sitemap still does (the page is still there).
  const event = await fetchPage(server.url, `/events/${eventId}`);
  expect(event.document.querySelectorAll(`a[href="${path}"]`)).toHaveLength(0);
  expect(parseXml((await fetchPage(server.url, '/sitemap.xml')).body).urlset.url.map((u: any) => u.loc)).toContain(published.url);

  await world.vote(reviewer, claimId, 'MOSTLY_FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Fireworks, not shots.' } }));
  const republished = (await apiClaimReview(world, claimId))!;
  expect(republished.reviewRating.alternateName).toBe('Mostly false');
  checkClaimReviewPage(await fetchPage(server.url, path), republished, 'kk');
});

test('unknown, malformed and never-published claims, and unknown events, are an HTML 404', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 2 });
  const inReview = await world.submitClaim(reviewer, eventId, 'A curfew was declared in Shymkent');
  await world.vote(reviewer, inReview, 'TRUE');
  const consensus = await world.submitClaim(reviewer, eventId, 'The internet was cut nationwide');
  await world.vote(reviewer, consensus, 'TRUE');
  await world.vote(editor, consensus, 'TRUE');
  const unknownClaim = Buffer.from(`Claim:${randomUUID()}`).toString('base64url');
  const unknownEvent = Buffer.from(`Event:${randomUUID()}`).toString('base64url');

  for (const path of [
    `/claims/${inReview}`,
    `/claims/${consensus}`,
    `/claims/${unknownClaim}`,
    `/claims/${eventId}`,
    '/claims/not-an-id',
    `/events/${unknownEvent}`,
    `/events/${inReview}`,
    `/events/${unknownEvent}/feed.xml`,
  ]) {
    const page = await fetchPage(server.url, path);
    expect({ path, status: page.status }).toEqual({ path, status: 404 });
    checkPublicPage(page);
    expect(visibleText(page, 'h1')).toBe('Page not found');
    expect(jsonLdOf(page)).toHaveLength(0);
  }
});

test('an event page lists its published verdicts newest first, without markup; its feed, the front page and the sitemap agree', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor, forbidden } = await newsroom(world);
  const title = `Unrest ${attack} ${randomBytes(3).toString('hex')}`;
  const eventId = await world.openEvent(editor, { quorum: 1 }, title);
  const quietEventTitle = `Quiet event ${randomBytes(3).toString('hex')}`;
  await world.openEvent(editor, { quorum: 1 }, quietEventTitle);
  const older = await world.submitClaim(reviewer, eventId, 'The president left the country', { language: 'en' });
  const newer = await world.submitClaim(reviewer, eventId, `Troops invaded ${attack}`, { language: 'ru' });
  const unpublished = await world.submitClaim(reviewer, eventId, 'Banks will close for a month');
  await publish(world, editor, reviewer, older, 'He did not.', 'FALSE');
  await publish(world, editor, reviewer, newer, 'Partly: CSTO troops arrived by invitation.', 'MIXED');
  const reviews = [(await apiClaimReview(world, newer))!, (await apiClaimReview(world, older))!];

  const page = await fetchPage(server.url, `/events/${eventId}`);
  expect(page.status).toBe(200);
  checkPublicPage(page, { forbidden });
  expect(page.body).not.toContain(attack);
  expect(visibleText(page, 'h1')).toBe(title);
  expect(jsonLdOf(page)).toHaveLength(0);
  const items = page.document.querySelectorAll('ol.verdicts li');
  expect(items.map((item) => item.querySelector('.verdict-label')!.text.trim())).toEqual(reviews.map((r) => r.reviewRating.alternateName));
  expect(items.map((item) => item.querySelector('a')!.text.trim())).toEqual(reviews.map((r) => r.claimReviewed));
  expect(items.map((item) => item.querySelector('a')!.getAttribute('href'))).toEqual(reviews.map((r) => pathOf(r.url)));
  const feedLink = page.document.querySelector('link[rel="alternate"][type="application/atom+xml"]')!.getAttribute('href')!;
  expect(feedLink).toBe(`/events/${eventId}/feed.xml`);

  const feedResponse = await fetchPage(server.url, feedLink);
  expect(feedResponse.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
  expect(feedResponse.headers.get('etag')).toBeTruthy();
  const { feed } = parseXml(feedResponse.body);
  expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.title).toBe(`${title}: published verdicts`);
  expect(feed.entry.map((entry: any) => entry.id)).toEqual(reviews.map((r) => r.url));
  expect(feed.entry.map((entry: any) => entry.title)).toEqual(reviews.map((r) => `${r.reviewRating.alternateName}: ${r.claimReviewed}`));
  expect(feed.entry.map((entry: any) => entry.published)).toEqual(reviews.map((r) => r.datePublished));
  expect(feed.updated).toBe(reviews[0].datePublished);

  const front = await fetchPage(server.url, '/');
  expect(front.status).toBe(200);
  checkPublicPage(front, { forbidden });
  const listed = front.document.querySelectorAll('ul.events a').map((a) => a.text.trim());
  expect(listed).toContain(title);
  expect(listed).not.toContain(quietEventTitle);

  const sitemapResponse = await fetchPage(server.url, '/sitemap.xml');
  expect(sitemapResponse.headers.get('content-type')).toMatch(/^application\/xml/);
  const urls: { loc: string; lastmod: string }[] = parseXml(sitemapResponse.body).urlset.url;
  for (const review of reviews) expect(urls).toContainEqual({ loc: review.url, lastmod: review.datePublished });
  expect(urls.map((u) => u.loc).some((loc) => loc.endsWith(unpublished))).toBe(false);
});

test('the rating scale and the corrections page are served, with every rating\'s label as ClaimReview gives it', async () => {
  const scale = await fetchPage(server.url, '/rating-scale');
  expect(scale.status).toBe(200);
  checkPublicPage(scale);
  expect(scale.document.querySelectorAll('tbody th').map((th) => th.text)).toEqual(['True', 'Mostly true', 'Mixed', 'Misleading', 'Mostly false', 'False', 'Unverifiable']);
  const corrections = await fetchPage(server.url, '/corrections');
  expect(corrections.status).toBe(200);
  checkPublicPage(corrections);

  const stylesheet = scale.document.querySelector('link[rel="stylesheet"]')!.getAttribute('href')!;
  const css = await fetch(new URL(stylesheet, server.url));
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  expect(css.headers.get('cache-control')).toContain('immutable');
});

test('a duplicate of a published claim has a page of its own with its own statement; when the original is reopened, both show the withdrawal and its reason', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor, forbidden } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const original = await world.submitClaim(reviewer, eventId, 'The mayor resigned this morning');
  const duplicate = await world.submitClaim(reviewer, eventId, 'Мэр ушёл в отставку утром', { language: 'ru' });
  await publish(world, editor, reviewer, original, 'He is still in office.');
  ok(await editor.api.op('MarkDuplicate', { input: { claimId: duplicate, duplicateOfId: original } }));

  const review = (await apiClaimReview(world, duplicate))!;
  expect(review.claimReviewed).toBe('Мэр ушёл в отставку утром');
  const page = await fetchPage(server.url, pathOf(review.url));
  checkPublicPage(page, { forbidden });
  checkClaimReviewPage(page, review, 'ru');

  ok(await editor.api.op('ReopenClaim', { input: { claimId: original, reason: 'A decree was signed after all' } }));
  for (const claimId of [original, duplicate]) {
    const reopened = await fetchPage(server.url, `/claims/${claimId}`);
    expect(reopened.status).toBe(200);
    expect(jsonLdOf(reopened)).toHaveLength(0);
    expect(visibleText(reopened, '.notice')).toContain('A decree was signed after all');
    expect(visibleText(reopened, 'del.withdrawn-label')).toBe('False');
  }
});

test('the pages are the same for anyone: a token, valid or not, neither opens nor closes them', async () => {
  const world = await World.create(server.url);
  const { reviewer, editor } = await newsroom(world);
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'Bread is rationed in Taraz');
  const path = `/claims/${claimId}`;
  for (const authorization of [`Bearer ${editor.token}`, 'Bearer not-a-token']) {
    expect((await fetchPage(server.url, path, { headers: { authorization } })).status).toBe(404);
  }
  await publish(world, editor, reviewer, claimId, 'Shops are stocked.');
  const anonymous = await fetchPage(server.url, path);
  for (const authorization of [`Bearer ${editor.token}`, 'Bearer not-a-token']) {
    const signed = await fetchPage(server.url, path, { headers: { authorization } });
    expect(signed.status).toBe(200);
    expect(signed.headers.get('etag')).toBe(anonymous.headers.get('etag'));
  }
});
