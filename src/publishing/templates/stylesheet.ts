import { createHash } from 'node:crypto';

/** The public pages' only style, served as a file so the Content-Security-Policy needs no inline style. */
export const stylesheetText = `
:root { color-scheme: light dark; --muted: #5b6470; --accent: #0b5cad; --rule: #d0d5dc; }
body { font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 44rem; padding: 0 1rem 3rem; }
header, footer { color: var(--muted); font-size: 0.9rem; padding: 1rem 0; }
header { border-bottom: 1px solid var(--rule); }
footer { border-top: 1px solid var(--rule); margin-top: 3rem; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; line-height: 1.3; }
.kicker, .meta { color: var(--muted); font-size: 0.9rem; }
.verdict { border-left: 6px solid var(--accent); padding: 0.25rem 1rem; margin: 1.5rem 0; }
.verdict-label { font-size: 1.4rem; font-weight: 700; }
.notice { background: #fff4d6; color: #4a3800; border: 1px solid #e6c65c; padding: 0.75rem 1rem; }
.withdrawn { border-left-color: var(--muted); }
.withdrawn del { color: var(--muted); }
.stance { font-weight: 600; }
ol.verdicts, ul.events { padding-left: 1.2rem; }
ol.verdicts li, ul.events li { margin: 0.8rem 0; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.4rem 0.8rem; text-align: left; }
`;

/** Its path carries a hash of its text, so it can be cached for a year and still change with a release. */
export const stylesheetPath = `/pages-${createHash('sha256').update(stylesheetText).digest('hex').slice(0, 12)}.css`;
