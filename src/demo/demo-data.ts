import { Rating, Role, Stance, VerdictStatus, type ConsensusPolicyInput } from '../generated/schema-types';

/**
 * Demo data: the January 2022 unrest in Kazakhstan, with claims taken from an interview with
 * the chief editor of "Factcheck in Kazakhstan" (MK, www.mk.ru). The people and two of the
 * organisations are made up; the votes are chosen so that the event's policy (quorum 3,
 * threshold 0.66, minOrganizations 2) gives each claim, once demoSuspension has taken effect,
 * the `expectedStatus` written beside it. seed-demo.ts loads it through the services.
 */

export interface DemoOrganization {
  name: string;
  url: string;
  /** Verified by the demo admin; the members of an unverified one vote, but it does not count toward minOrganizations. */
  verified: boolean;
}

export interface DemoReviewer {
  displayName: string;
  email: string;
  organization: DemoOrganizationKey;
  /** Invited with this role by the demo admin. */
  role: Role;
  /** May invite, approve and suspend the organisation's members. */
  orgAdmin?: boolean;
}

interface DemoEvidence {
  by: DemoReviewerKey;
  stance: Stance;
  url?: string;
  title?: string;
  excerpt?: string;
}

interface DemoVote {
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

export const demoOrganizations = {
  factcheck: { name: 'Factcheck.kz', url: 'https://factcheck.kz', verified: true },
  vlast: { name: 'Vlast.kz', url: 'https://vlast.kz', verified: true },
  eurasia: { name: 'Eurasia Wire Fact Check (Moscow)', url: 'https://eurasia-wire.example.org', verified: true },
  // A newsroom that began during the unrest: its reporter votes, but nobody has vouched for it yet.
  aktau: { name: 'Aktau Citizen Desk', url: 'https://aktau-desk.example.org', verified: false },
} as const satisfies Record<string, DemoOrganization>;

export type DemoOrganizationKey = keyof typeof demoOrganizations;

/** The first account; on an empty database it is the ADMIN. It creates the organisations and invites everyone. */
export const demoAdmin = { displayName: 'Demo Administrator', email: 'admin@demo.example.org' } as const;

export const demoReviewers = {
  editor: { displayName: 'Assel Zhunusova', email: 'assel.zhunusova@demo.example.org', organization: 'factcheck', role: Role.Editor, orgAdmin: true },
  aigerim: { displayName: 'Aigerim Sarsenova', email: 'aigerim.sarsenova@demo.example.org', organization: 'factcheck', role: Role.Reviewer },
  daniyar: { displayName: 'Daniyar Kuanyshev', email: 'daniyar.kuanyshev@demo.example.org', organization: 'factcheck', role: Role.Reviewer },
  timur: { displayName: 'Timur Akhmetov', email: 'timur.akhmetov@demo.example.org', organization: 'factcheck', role: Role.Reviewer },
  madina: { displayName: 'Madina Omarbekova', email: 'madina.omarbekova@demo.example.org', organization: 'vlast', role: Role.Reviewer },
  yerlan: { displayName: 'Yerlan Tulegenov', email: 'yerlan.tulegenov@demo.example.org', organization: 'vlast', role: Role.Reviewer },
  olga: { displayName: 'Olga Vetrova', email: 'olga.vetrova@demo.example.org', organization: 'eurasia', role: Role.Reviewer },
  ilya: { displayName: 'Ilya Sokolov', email: 'ilya.sokolov@demo.example.org', organization: 'eurasia', role: Role.Reviewer },
  bauyrzhan: { displayName: 'Bauyrzhan Abenov', email: 'bauyrzhan.abenov@demo.example.org', organization: 'aktau', role: Role.Reviewer },
} as const satisfies Record<string, DemoReviewer>;

export type DemoReviewerKey = keyof typeof demoReviewers;

/**
 * After the votes, Factcheck.kz's admin suspends one member. Their one vote stays stored and
 * listed but stops counting, and the verdict it had carried to CONSENSUS falls back to IN_REVIEW.
 */
export const demoSuspension = {
  member: 'timur',
  by: 'editor',
  reason: "Posted the desk's unpublished ratings in a public Telegram channel.",
} as const satisfies { member: DemoReviewerKey; by: DemoReviewerKey; reason: string };

/** The seed recognises an earlier run by this title and then creates nothing. */
export const demoEvent = {
  title: 'Unrest in Kazakhstan, January 2022',
  description:
    'Protests over fuel prices that began in Zhanaozen on 2 January 2022 spread across the country; ' +
    'a state of emergency, a communications blackout and the arrival of CSTO forces followed.',
  region: 'Kazakhstan',
  startedAt: '2022-01-02T00:00:00Z',
  /** A consensus needs voters from two verified organisations, so the unverified one shows. */
  policy: { minOrganizations: 2 },
  openedBy: 'editor',
} as const satisfies { title: string; description: string; region: string; startedAt: string; policy: ConsensusPolicyInput; openedBy: DemoReviewerKey };

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
      // Makes it CONSENSUS until demoSuspension stops this vote counting.
      { by: 'timur', rating: Rating.True, rationale: 'Every branch on Abai Avenue was shut on 6 January.' },
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
      // Two of three agree, but from one verified organisation: Aktau Citizen Desk is not verified.
      { by: 'bauyrzhan', rating: Rating.MostlyTrue, rationale: 'Our reporter saw the talks in Aktau on 5 January.' },
    ],
    expectedStatus: VerdictStatus.Contested,
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
