import { useEffect, useMemo, useState } from 'preact/hooks';
import { send, useRead } from '../api';
import { RequestFailure } from '../graphql';
import { t } from '../i18n';
import { ActivityEntry, eventCursor, followActivity } from '../live';
import { outbox } from '../outbox';
import { deskUrl } from '../router';
import { useValue } from '../value';
import { OutboxList } from './outbox-list';
import { Link, ratingLabel, ReadState, SavedCopy, statuses, StatusWord } from './parts';
import { SubmitClaim } from './submit-claim';

/** Claims a page of the board shows; "More claims" reads the next. */
const pageSize = 30;

export interface Card {
  id: string;
  statement: string;
  createdAt: string;
  duplicateOf: { id: string } | null;
  verdict: { status: string; rating: string | null; agreement: number; voteCount: number; organizationCount: number; updatedAt: string };
  evidence: { totalCount: number };
}

interface Board {
  event: {
    id: string;
    title: string;
    description: string | null;
    region: string | null;
    status: string;
    claims: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Card }[] };
  } | null;
}

export function BoardPage({ eventId }: { eventId: string }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [orderBy, setOrderBy] = useState<'NEWEST' | 'RECENTLY_UPDATED'>('NEWEST');
  const query = useDebounced(search.trim(), 300);
  const filter = { ...(status ? { status: [status] } : {}), ...(query ? { search: query } : {}) };
  const variables = { id: eventId, first: pageSize, filter, orderBy };
  const board = useRead<Board>('DeskBoard', variables, () => eventCursor(eventId));
  const event = board.data?.event;
  const more = async () => {
    const next = await send<Board>('DeskBoard', { ...variables, after: event?.claims.pageInfo.endCursor });
    board.change((data) => withPage(data, next));
  };

  // Each read of the board is followed from the cursor it was read with (a read replaces what
  // entries changed before it came back; following again from there applies them anew).
  useEffect(() => {
    if (!board.data) return;
    // A searched board takes no claim it did not read: whether the search finds it is the server's to say.
    const refresher = cardRefresher((card) => board.change((data) => withCard(data, card, { status, insert: !query, orderBy })));
    const stopFollowing = followActivity(eventId, board.after ?? null, (entry: ActivityEntry) => {
      if (entry.claim) refresher.refresh(entry.claim.id);
      if (entry.type === 'EVENT_CLOSED') board.change((data) => (data.event ? { ...data, event: { ...data.event, status: 'CLOSED' } } : data));
    });
    // A refresh due under the old filters must not land on the board read under the new ones.
    return () => {
      stopFollowing();
      refresher.stop();
    };
  }, [eventId, board.reads]);

  if (!board.data) return <ReadState {...board} />;
  if (!event) return <p role="alert">{t('notFound')}</p>;
  return (
    <section>
      <h1>{event.title}</h1>
      <p class="muted">
        {event.region} {event.description}
      </p>
      <SavedCopy savedAt={board.savedAt} />
      {event.status === 'CLOSED' ? <p class="notice">{t('eventClosed')}</p> : <SubmitClaim eventId={eventId} />}
      <OutboxList filter={(item) => item.eventId === eventId && !item.claimId} />
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('search')}
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('anyStatus')}</option>
            {statuses.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          {t('order')}
          <select value={orderBy} onChange={(e) => setOrderBy(e.currentTarget.value as typeof orderBy)}>
            <option value="NEWEST">{t('newest')}</option>
            <option value="RECENTLY_UPDATED">{t('recentlyUpdated')}</option>
          </select>
        </label>
      </form>
      {event.claims.edges.length === 0 && <p>{t('noClaims')}</p>}
      <div class="cards">
        {event.claims.edges.map(({ node }) => (
          <ClaimCard key={node.id} card={node} />
        ))}
      </div>
      {event.claims.pageInfo.hasNextPage && (
        <button type="button" class="more" onClick={() => void more().catch(() => undefined)}>
          {t('moreClaims', { n: event.claims.totalCount - event.claims.edges.length })}
        </button>
      )}
    </section>
  );
}

function ClaimCard({ card }: { card: Card }) {
  const items = useValue(outbox).filter((item) => item.claimId === card.id);
  const labelId = `statement-${card.id}`;
  const { verdict } = card;
  return (
    <article class="card" aria-labelledby={labelId}>
      <h2 id={labelId}>
        <Link href={deskUrl.claim(card.id)}>{card.statement}</Link>
      </h2>
      <p>
        <StatusWord status={verdict.status} /> <strong>{ratingLabel(verdict.rating)}</strong>
      </p>
      <p class="muted">
        {t('agreement', { n: Math.round(verdict.agreement * 100) })} · {t('votes', { n: verdict.voteCount })} ·{' '}
        {t('organizations', { n: verdict.organizationCount })} · {t('evidenceCount', { n: card.evidence.totalCount })}
      </p>
      {card.duplicateOf && <p class="muted">{t('duplicateNote')}</p>}
      {items.length > 0 && <p class="pending">{items.some((item) => item.failure) ? '!' : ''} {t('waiting', { n: items.length })}</p>}
    </article>
  );
}

/**
 * Fetches the cards of claims that changed, each once however many entries name it in a burst;
 * once stopped, neither fetches nor applies any more.
 */
function cardRefresher(apply: (card: Card) => void): { refresh(claimId: string): void; stop(): void } {
  const due = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  return {
    refresh(claimId) {
      due.add(claimId);
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const ids = [...due];
        due.clear();
        for (const id of ids) {
          try {
            const { claim } = await send<{ claim: Card | null }>('DeskCard', { id });
            if (claim && !stopped) apply(claim);
          } catch (error) {
            if (!(error instanceof RequestFailure)) throw error;
          }
        }
      }, 50);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** What the board is sorted by, newest first: ISO date-times, which compare as text. */
const sortKey = (card: Card, orderBy: string) => (orderBy === 'RECENTLY_UPDATED' ? card.verdict.updatedAt : card.createdAt);

/**
 * The board with one card as it is now: updated in its place, added (when `insert`, a claim
 * the filters now let through: a new one, or one whose status came to match) or left out (one
 * they no longer do). The same card
 * applied twice gives the same board, as a replayed entry must: a claim the board does not show
 * is added only where the pages read so far reach ("More claims" reads the rest), and counted once.
 */
function withCard(data: Board, card: Card, view: { status: string; insert: boolean; orderBy: string }): Board {
  if (!data.event) return data;
  const { edges, pageInfo } = data.event.claims;
  const others = edges.filter((edge) => edge.node.id !== card.id);
  const known = others.length < edges.length;
  const fits = !view.status || card.verdict.status === view.status;
  const key = sortKey(card, view.orderBy);
  const reached = !pageInfo.hasNextPage || edges.length === 0 || key >= sortKey(edges[edges.length - 1].node, view.orderBy);
  let next = others;
  if (fits && (known || (view.insert && reached))) {
    const at = others.findIndex((edge) => sortKey(edge.node, view.orderBy) < key);
    next = [...others];
    next.splice(at < 0 ? others.length : at, 0, { node: card });
  }
  const added = next.length - edges.length;
  return { event: { ...data.event, claims: { ...data.event.claims, totalCount: data.event.claims.totalCount + added, edges: next } } };
}

/** The board with the next page's claims after its own (leaving out any it already shows: a live update may have added one). */
function withPage(data: Board, page: Board): Board {
  if (!data.event || !page.event) return data;
  const shown = new Set(data.event.claims.edges.map((edge) => edge.node.id));
  const edges = [...data.event.claims.edges, ...page.event.claims.edges.filter((edge) => !shown.has(edge.node.id))];
  return { event: { ...data.event, claims: { ...page.event.claims, edges } } };
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return useMemo(() => settled, [settled]);
}
