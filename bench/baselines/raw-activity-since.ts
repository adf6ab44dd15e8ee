/**
 * B6's baseline: an event's log after a position, as the smallest honest answer: one
 * statement, the entries as minimal JSON (the fields ActivitySince's nodes carry, with the
 * position for the cursor and the claim's uuid for its ID, no envelope), gzip-compressed, in
 * one response. Nothing of src/ is used.
 *
 * GET /since?event=<uuid>&after=<position>. Env: PORT; DATABASE_URL, or PGLITE_DIR.
 */
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { baselinePool } from '../lib/database';

async function main() {
  const { pool } = await baselinePool(4);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return void res.end('ok');
    if (url.pathname !== '/since') return void res.writeHead(404).end();
    try {
      const { rows } = await pool.query(
        `SELECT position, type, at, claim_id, verdict->>'status' AS status, verdict->>'rating' AS rating, (verdict->>'version')::int AS version
           FROM activity WHERE event_id = $1 AND position > $2 ORDER BY position`,
        [url.searchParams.get('event'), Number(url.searchParams.get('after'))],
      );
      const entries = rows.map((row) => ({
        position: row.position,
        type: row.type,
        at: row.at.toISOString(),
        claimId: row.claim_id,
        verdict: row.status ? { status: row.status, rating: row.rating, version: row.version } : null,
      }));
      const body = gzipSync(JSON.stringify(entries));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
