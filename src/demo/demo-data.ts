import { Rating, Role, Stance, VerdictStatus } from '../generated/graphql';

/**
 * Demo data: the January 2022 unrest in Kazakhstan, with claims taken from an interview with
 * the chief editor of "Factcheck in Kazakhstan" (MK, www.mk.ru). The people are made up; the
 * votes are chosen so that the default policy (quorum 3, threshold 0.66) gives each claim the
 * `expectedStatus` written beside it. seed-demo.ts loads it through the services.
 */

export interface DemoReviewer {
  displayName: string;
  email: string;
  organization: string | null;
  role: Role;
}

export interface DemoEvidence {
  by: DemoReviewerKey;
  stance: Stance;
  url?: string;
  title?: string;
  excerpt?: string;
}

export interface DemoVote {
  by: DemoReviewerKey;
  rating: Rating;
  rationale?: string;
  /** Positions in the claim's `evidence` list that the vote cites. */
  cites?: number[];
}

export interface DemoClaim {
  statement: string;
  language: 'en' | 'ru' | 'kk';
  context?: string;
  sourceUrl?: string;
  firstSeenAt?: string;
  submittedBy: DemoReviewerKey;
  evidence: DemoEvidence[];
  votes: DemoVote[];
  /** Published by the demo editor once the votes have made the verdict CONSENSUS. */
  publishSummary?: string;
  expectedStatus: VerdictStatus;
}

const FACTCHECK_KZ = 'Factcheck.kz';
const VLAST_KZ = 'Vlast.kz';
const EURASIA_WIRE = 'Eurasia Wire Fact Check (Moscow)';

/** The first account signs up first, so on an empty database it is the ADMIN. */
export const demoReviewers = {
  admin: { displayName: 'Demo Administrator', email: 'admin@demo.example.org', organization: null, role: Role.Admin },
  editor: { displayName: 'Assel Zhunusova', email: 'assel.zhunusova@demo.example.org', organization: FACTCHECK_KZ, role: Role.Editor },
  aigerim: { displayName: 'Aigerim Sarsenova', email: 'aigerim.sarsenova@demo.example.org', organization: FACTCHECK_KZ, role: Role.Reviewer },
  daniyar: { displayName: 'Daniyar Kuanyshev', email: 'daniyar.kuanyshev@demo.example.org', organization: FACTCHECK_KZ, role: Role.Reviewer },
  madina: { displayName: 'Madina Omarbekova', email: 'madina.omarbekova@demo.example.org', organization: VLAST_KZ, role: Role.Reviewer },
  yerlan: { displayName: 'Yerlan Tulegenov', email: 'yerlan.tulegenov@demo.example.org', organization: VLAST_KZ, role: Role.Reviewer },
  olga: { displayName: 'Olga Vetrova', email: 'olga.vetrova@demo.example.org', organization: EURASIA_WIRE, role: Role.Reviewer },
  ilya: { displayName: 'Ilya Sokolov', email: 'ilya.sokolov@demo.example.org', organization: EURASIA_WIRE, role: Role.Reviewer },
} as const satisfies Record<string, DemoReviewer>;

export type DemoReviewerKey = keyof typeof demoReviewers;

/** The seed recognises an earlier run by this title and then creates nothing. */
export const demoEvent = {
  title: 'Unrest in Kazakhstan, January 2022',
  description:
    'Protests over fuel prices that began in Zhanaozen on 2 January 2022 spread across the country; ' +
    'a state of emergency, a communications blackout and the arrival of CSTO forces followed.',
  region: 'Kazakhstan',
  startedAt: '2022-01-02T00:00:00Z',
  openedBy: 'editor',
} as const satisfies { title: string; description: string; region: string; startedAt: string; openedBy: DemoReviewerKey };

const INTERVIEW = {
  url: 'https://www.mk.ru/',
  title: 'MK interview with Pavel Bannikov, chief editor of "Factcheck in Kazakhstan"',
};

export const demoClaims: DemoClaim[] = [
  {
    statement: 'Russian troops have invaded Kazakhstan.',
    language: 'en',
    context: 'Shared widely on social networks after the CSTO announced on 6 January that it would send forces.',
    sourceUrl: 'https://example.org/social/posts/russian-invasion',
    firstSeenAt: '2022-01-06T04:00:00Z',
    submittedBy: 'editor',
    evidence: [
      { by: 'aigerim', stance: Stance.Refutes, ...INTERVIEW, excerpt: 'Talking about some kind of "invasion" of Russian troops into Kazakhstan is, at the very least, not very smart.' },
      { by: 'madina', stance: Stance.Context, url: 'https://example.org/csto/peacekeeping-force', title: 'CSTO statement on the collective peacekeeping force', excerpt: 'The participating country asked the members of the treaty to help with the peacekeeping force.' },
    ],
    votes: [
      { by: 'aigerim', rating: Rating.False, rationale: 'The forces came at the request of Kazakhstan, under the CSTO treaty.', cites: [0, 1] },
      { by: 'madina', rating: Rating.False, rationale: 'An invasion is an entry without consent; this was requested.', cites: [1] },
      { by: 'ilya', rating: Rating.Misleading, rationale: 'Russian soldiers did arrive, as part of the CSTO force; "invasion" misdescribes it.' },
    ],
    publishSummary:
      'False. Russian soldiers arrived in January 2022 as part of a CSTO peacekeeping force that the government of ' +
      'Kazakhstan requested under the treaty; it was not an invasion.',
    expectedStatus: VerdictStatus.Published,
  },
  {
    statement: 'В Алматы разграблены банкоматы.',
    language: 'ru',
    context: 'Фотографии в Telegram-каналах 5–6 января.',
    firstSeenAt: '2022-01-06T09:00:00Z',
    submittedBy: 'daniyar',
    evidence: [
      { by: 'daniyar', stance: Stance.Supports, ...INTERVIEW, excerpt: 'Banks do not work, ATMs are looted.' },
      { by: 'yerlan', stance: Stance.Supports, url: 'https://example.org/photos/almaty-atms', title: 'Geolocated photos of broken ATMs in central Almaty' },
    ],
    votes: [
      { by: 'daniyar', rating: Rating.True, cites: [0, 1] },
      { by: 'yerlan', rating: Rating.True, cites: [1] },
      { by: 'olga', rating: Rating.MostlyTrue, rationale: 'Confirmed in the centre; the extent elsewhere is unknown.' },
    ],
    expectedStatus: VerdictStatus.Consensus,
  },
  {
    statement: 'Banks in Almaty are not working.',
    language: 'en',
    submittedBy: 'madina',
    evidence: [{ by: 'madina', stance: Stance.Supports, ...INTERVIEW, excerpt: 'Banks do not work, ATMs are looted.' }],
    votes: [
      { by: 'madina', rating: Rating.True, cites: [0] },
      { by: 'ilya', rating: Rating.MostlyTrue, rationale: 'Branches closed; some card payments still went through.' },
    ],
    expectedStatus: VerdictStatus.InReview,
  },
  {
    statement: 'A video shows heavy shooting on Republic Square in Almaty.',
    language: 'en',
    sourceUrl: 'https://example.org/video/republic-square',
    firstSeenAt: '2022-01-06T11:30:00Z',
    submittedBy: 'ilya',
    evidence: [
      { by: 'ilya', stance: Stance.Supports, url: 'https://example.org/geolocation/republic-square', title: 'Geolocation of the Republic Square video' },
      { by: 'aigerim', stance: Stance.Context, ...INTERVIEW, excerpt: 'A video of a powerful shooting on Republic Square in Almaty has been published.' },
    ],
    votes: [
      { by: 'ilya', rating: Rating.True, cites: [0] },
      { by: 'aigerim', rating: Rating.True, cites: [0, 1] },
      { by: 'yerlan', rating: Rating.True },
    ],
    expectedStatus: VerdictStatus.Consensus,
  },
  {
    statement: 'Связь в Казахстане появляется лишь на несколько минут раз в 5–10 часов.',
    language: 'ru',
    submittedBy: 'olga',
    evidence: [
      { by: 'olga', stance: Stance.Supports, ...INTERVIEW, excerpt: 'Communication is very intermittent – literally minutes every 5-10 hours.' },
      { by: 'aigerim', stance: Stance.Context, url: 'https://example.org/connectivity/kazakhstan-2022-01', title: 'Internet connectivity in Kazakhstan, 5–7 January 2022', excerpt: 'National connectivity fell to a fraction of ordinary levels, with brief restorations.' },
    ],
    votes: [
      { by: 'aigerim', rating: Rating.MostlyTrue, rationale: 'Matches the measurements for Almaty; not every region.', cites: [1] },
      { by: 'madina', rating: Rating.Unverifiable, rationale: 'The interval is one person\'s experience.' },
      { by: 'olga', rating: Rating.True, cites: [0] },
    ],
    expectedStatus: VerdictStatus.Contested,
  },
  {
    statement: 'CSTO units will be involved in the protection of strategic facilities in Kazakhstan.',
    language: 'en',
    submittedBy: 'yerlan',
    evidence: [
      { by: 'yerlan', stance: Stance.Supports, url: 'https://example.org/csto/mandate', title: 'CSTO statement on the mandate of its forces' },
      { by: 'olga', stance: Stance.Supports, ...INTERVIEW, excerpt: 'CSTO units will be involved in the protection of strategic facilities.' },
    ],
    votes: [
      { by: 'yerlan', rating: Rating.True, cites: [0] },
      { by: 'olga', rating: Rating.True, cites: [0, 1] },
      { by: 'daniyar', rating: Rating.True },
      { by: 'ilya', rating: Rating.MostlyTrue, rationale: 'Which facilities was never listed in full.' },
    ],
    expectedStatus: VerdictStatus.Consensus,
  },
  {
    statement: 'Weapons stores and ammunition depots have been looted.',
    language: 'en',
    submittedBy: 'daniyar',
    evidence: [
      { by: 'daniyar', stance: Stance.Supports, ...INTERVIEW, excerpt: 'And there is a looting of weapons stores, ammunition depots.' },
      { by: 'madina', stance: Stance.Context, url: 'https://example.org/police/briefing-stolen-firearms', title: 'Police briefing on stolen firearms (summary)' },
    ],
    votes: [
      { by: 'daniyar', rating: Rating.True, cites: [0] },
      { by: 'olga', rating: Rating.True },
      { by: 'madina', rating: Rating.Unverifiable, rationale: 'Stores, yes; no source for the ammunition depots.', cites: [1] },
      { by: 'ilya', rating: Rating.Unverifiable },
    ],
    expectedStatus: VerdictStatus.Contested,
  },
  {
    statement: "The anti-terrorist operation in Almaty is being carried out by Kazakhstan's own forces.",
    language: 'en',
    submittedBy: 'aigerim',
    evidence: [
      { by: 'aigerim', stance: Stance.Supports, ...INTERVIEW, excerpt: 'The anti-terrorist operation in Almaty, judging by the footage that I see, is being carried out on our own.' },
      { by: 'ilya', stance: Stance.Refutes, url: 'https://example.org/video/almaty-airport-troops', title: 'Footage said to show CSTO troops at Almaty airport' },
    ],
    votes: [
      { by: 'aigerim', rating: Rating.MostlyTrue, cites: [0] },
      { by: 'ilya', rating: Rating.Mixed, rationale: 'CSTO troops guarded the airport; the street operation was Kazakh.', cites: [1] },
      { by: 'yerlan', rating: Rating.Unverifiable },
    ],
    expectedStatus: VerdictStatus.Contested,
  },
  {
    statement: 'Елдің батысында бейбіт наразылық акциялары жалғасып жатыр.',
    language: 'kk',
    context: 'In English: peaceful protests continue in the west of the country.',
    submittedBy: 'yerlan',
    evidence: [{ by: 'yerlan', stance: Stance.Supports, ...INTERVIEW, excerpt: 'The peaceful protest continues to be peaceful in the West of the country.' }],
    votes: [{ by: 'yerlan', rating: Rating.MostlyTrue, cites: [0] }],
    expectedStatus: VerdictStatus.InReview,
  },
  {
    statement: 'Во всём Казахстане введены комендантский час и режим чрезвычайного положения.',
    language: 'ru',
    firstSeenAt: '2022-01-05T12:00:00Z',
    submittedBy: 'madina',
    evidence: [
      { by: 'madina', stance: Stance.Supports, url: 'https://example.org/decrees/state-of-emergency', title: 'Decree extending the state of emergency to the whole country (translation)' },
      { by: 'aigerim', stance: Stance.Supports, ...INTERVIEW, excerpt: 'There is a curfew throughout Kazakhstan, as well as a state of emergency.' },
    ],
    votes: [
      { by: 'madina', rating: Rating.True, cites: [0] },
      { by: 'olga', rating: Rating.True, cites: [1] },
      { by: 'aigerim', rating: Rating.MostlyTrue, rationale: 'At first Almaty and Mangystau only; the whole country from 5 January.' },
    ],
    expectedStatus: VerdictStatus.Consensus,
  },
  {
    statement: 'In the west of Kazakhstan, protesters and the authorities are in dialogue.',
    language: 'en',
    submittedBy: 'olga',
    evidence: [{ by: 'olga', stance: Stance.Supports, ...INTERVIEW, excerpt: 'In the West and in a number of other cities, the protesters and the republican authorities are in dialogue.' }],
    votes: [
      { by: 'daniyar', rating: Rating.MostlyTrue, cites: [0] },
      { by: 'olga', rating: Rating.Mixed, rationale: 'Talks in Zhanaozen and Aktau; none reported elsewhere.' },
    ],
    expectedStatus: VerdictStatus.InReview,
  },
  {
    statement: 'CSTO troops were deployed to guard the Baikonur cosmodrome and a nuclear fuel storage facility.',
    language: 'en',
    context: 'Inferred from the interview, which names these facilities among the country\'s strategic ones.',
    submittedBy: 'ilya',
    evidence: [{ by: 'ilya', stance: Stance.Context, ...INTERVIEW, excerpt: 'We have a nuclear fuel storage facility and the Baikonur cosmodrome.' }],
    votes: [],
    expectedStatus: VerdictStatus.Unverified,
  },
];
