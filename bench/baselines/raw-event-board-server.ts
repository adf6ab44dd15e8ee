/**
 * B1's baseline: the EventBoard operation written plainly on node:http and pg, the physical
 * floor under the project's answer. It runs the statements the project runs for an anonymous
 * reader (event, claims page, stats, whose sum is the claim count, then the evidence and votes
 * pages and counts of the claims on the page; 7 in all) and answers the same JSON, byte for byte. Nothing of
 * src/ is used: ids, cursors and the verdict fields are encoded here as the API defines them.
 *
 * Env: PORT; DATABASE_URL, or PGLITE_DIR for PGlite files of its own.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { baselinePool } from '../lib/database';

const statuses = ['UNVERIFIED', 'IN_REVIEW', 'CONTESTED', 'CONSENSUS', 'PUBLISHED'];
const statementsPerBoard = 7;

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const cursor = (kind: string, ...key: (string | number)[]) => Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
const iso = (date: Date | null) => (date ? date.toISOString() : null);

function uuidOf(id: unknown, type: string): string | null {
  if (typeof id !== 'string') return null;
  const [prefix, uuid] = Buffer.from(id, 'base64url').toString().split(':');
  return prefix === type && /^[0-9a-f-]{36}$/.test(uuid ?? '') ? uuid : null;
}

async function eventBoard(pool: Pool, eventId: string, first: number) {
  const [event, page, stats] = await Promise.all([
    pool.query(
      `SELECT id, title, description, region, status, started_at, quorum, threshold, min_organizations
         FROM events WHERE id = $1`,
      [eventId],
    ),
    pool.query(
      `SELECT id, statement, language, source_url, created_at, duplicate_of_id, verdict_status, verdict_rating,
              verdict_agreement, verdict_vote_count, verdict_tally, verdict_version, verdict_updated_at,
              verdict_published_at, verdict_summary
         FROM claims WHERE event_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [eventId, first + 1],
    ),
    pool.query(`SELECT verdict_status, count(*) AS count FROM claims WHERE event_id = $1 GROUP BY verdict_status`, [eventId]),
  ]);
  const e = event.rows[0];
  if (!e) return null;
  const claims = page.rows.slice(0, first);
  const claimIds = claims.map((claim) => claim.id);
  const [evidence, evidenceCounts, votes, voteCounts] = await Promise.all([
    pool.query(
      `SELECT c.id, c.claim_id, c.stance, c.url, c.title
         FROM unnest($1::uuid[]) AS p(id)
         CROSS JOIN LATERAL (SELECT * FROM evidence WHERE claim_id = p.id ORDER BY created_at, id LIMIT 4) c`,
      [claimIds],
    ),
    pool.query(`SELECT claim_id, count(*) AS count FROM evidence WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`, [claimIds]),
    pool.query(
      `SELECT c.id, c.claim_id, c.rating
         FROM unnest($1::uuid[]) AS p(id)
         CROSS JOIN LATERAL (SELECT * FROM votes WHERE claim_id = p.id ORDER BY created_at, id LIMIT 11) c`,
      [claimIds],
    ),
    pool.query(`SELECT claim_id, count(*) AS count FROM votes WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`, [claimIds]),
  ]);
  const countOf = (rows: { claim_id: string; count: number }[]) => new Map(rows.map((row) => [row.claim_id, row.count]));
  const evidenceCount = countOf(evidenceCounts.rows);
  const voteCount = countOf(voteCounts.rows);
  const byStatus = statuses.map((status) => ({ status, count: stats.rows.find((row) => row.verdict_status === status)?.count ?? 0 }));
  const claimCount = byStatus.reduce((sum, row) => sum + row.count, 0);
  const edges = claims.map((claim) => ({
    cursor: cursor('cn', claim.created_at.getTime(), claim.id),
    node: {
      id: globalId('Claim', claim.id),
      statement: claim.statement,
      language: claim.language,
      sourceUrl: claim.source_url,
      createdAt: iso(claim.created_at),
      duplicateOf: claim.duplicate_of_id ? { id: globalId('Claim', claim.duplicate_of_id) } : null,
      verdict: {
        status: claim.verdict_status,
        rating: claim.verdict_rating,
        agreement: claim.verdict_agreement,
        voteCount: claim.verdict_vote_count,
        tally: claim.verdict_tally.map((entry: { rating: string; votes: number }) => ({ rating: entry.rating, votes: entry.votes })),
        version: claim.verdict_version,
        updatedAt: iso(claim.verdict_updated_at),
        publishedAt: iso(claim.verdict_published_at),
        summary: claim.verdict_summary,
      },
      evidence: {
        totalCount: evidenceCount.get(claim.id) ?? 0,
        edges: evidence.rows
          .filter((row) => row.claim_id === claim.id)
          .slice(0, 3)
          .map((row) => ({ node: { id: globalId('Evidence', row.id), stance: row.stance, url: row.url, title: row.title } })),
      },
      votes: {
        totalCount: voteCount.get(claim.id) ?? 0,
        // Anonymous readers never see who voted.
        edges: votes.rows
          .filter((row) => row.claim_id === claim.id)
          .slice(0, 10)
          .map((row) => ({ node: { id: globalId('Vote', row.id), rating: row.rating, reviewer: null } })),
      },
    },
  }));
  return {
    id: globalId('Event', e.id),
    title: e.title,
    description: e.description,
    region: e.region,
    status: e.status,
    startedAt: iso(e.started_at),
    policy: { quorum: e.quorum, threshold: e.threshold, minOrganizations: e.min_organizations },
    stats: { claimCount, byStatus },
    claims: {
      totalCount: claimCount, // all of the event's claims: the stats' sum, as the project reads it
      pageInfo: { hasNextPage: page.rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function main() {
  const { pool, close } = await baselinePool(10);
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { status: 'ok' });
      const request = JSON.parse(await readBody(req));
      const eventId = uuidOf(request.variables?.id, 'Event');
      const first = request.variables?.first ?? 20;
      const event = eventId ? await eventBoard(pool, eventId, first) : null;
      send(res, 200, { data: { event } }, { 'x-sql-statements': String(event ? statementsPerBoard : 0) });
    } catch (error) {
      send(res, 500, { errors: [{ message: String(error) }] });
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => close().then(() => process.exit(0))));
}

void main();
