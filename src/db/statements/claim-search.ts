import type { ListFilter } from './list-page';

/*
 * A search's condition and rank over a list of claims: part of list-page's statement, with
 * pg_trgm's operators and a rank expression TypeORM's builder has no words for.
 */

/**
 * How close a statement's wording must come to a search to be found by resemblance: pg_trgm's
 * word_similarity, the share of the search's trigrams found in one stretch of the statement.
 * "invasion" in "Russian troops have invaded Kazakhstan" scores 0.44, "разграбили банкоматы" in
 * "В Алматы разграблены банкоматы" 0.65; a statement sharing no word with the search stays
 * near 0.2.
 */
const resemblanceThreshold = 0.4;

/**
 * Where a claim found by a search ranks, lowest first: what the search says, word for word,
 * then what it resembles, the closest first. A resemblance ranks from 1 (word similarity 1) to
 * 1 + resemblanceSteps (0): an integer, so that a cursor holds it exactly. For one search every
 * word similarity is a count of the search's trigrams over the same total, which is far below
 * a million for a search of 500 characters, so no two distinct similarities share a rank.
 */
const SearchRank = { fullText: 0, resemblance: 1, resemblanceSteps: 1_000_000 } as const;

/**
 * Narrows a list of claims (alias x) to those the search finds, ranked. First the full-text
 * matches: the stored vector holds statement and context under the simple, Russian and English
 * configurations, and a query matches under any of them (Kazakh word by word, via simple). Then
 * the statements whose words resemble the search's (pg_trgm's `<%`, served by the statement's
 * trigram index), the closest first, which joins the forms no stemmer joins: Kazakh suffixes
 * ("Алматыда", "Алматы"), Russian past forms ("разграбили", "разграблены"), "invasion" and
 * "invaded".
 */
export function matchSearch(filter: ListFilter, search: string): void {
  const query = filter.param(search);
  const fullText = `x.search_vector @@ (websearch_to_tsquery('simple', ${query}) || websearch_to_tsquery('russian', ${query})
                                       || websearch_to_tsquery('english', ${query}))`;
  filter.conditions.push(`(${fullText} OR ${query} <% x.statement)`);
  const distance = `round((1 - word_similarity(${query}, x.statement)::float8) * ${SearchRank.resemblanceSteps})::integer`;
  filter.rank = `CASE WHEN ${fullText} THEN ${SearchRank.fullText} ELSE ${SearchRank.resemblance} + ${distance} END`;
  filter.settings['pg_trgm.word_similarity_threshold'] = String(resemblanceThreshold);
}
