/** One scrape of GET /metrics: each sample by name and labels, e.g. `votes_cast_total{rating="FALSE"}`. */
export class Scrape {
  private constructor(private readonly samples: Map<string, number>) {}

  /** Scrapes the server whose GraphQL endpoint is `graphqlUrl`; with `token`, as METRICS_TOKEN asks. */
  static async of(graphqlUrl: string, token?: string): Promise<Scrape> {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
    return Scrape.parse(await response.text());
  }

  /** The text exposition format: `name{a="x",b="y"} value` lines; comments skipped. */
  static parse(text: string): Scrape {
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match) samples.set(key(match[1], labelsOf(match[2] ?? '')), Number(match[3]));
    }
    return new Scrape(samples);
  }

  /** A sample's value; 0 when it is absent (a counter not yet incremented). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples.get(key(name, labels)) ?? 0;
  }

  /** How much a sample grew since an earlier scrape. */
  since(earlier: Scrape, name: string, labels: Record<string, string> = {}): number {
    return this.value(name, labels) - earlier.value(name, labels);
  }

  /** Every sample of a metric name, as `name{labels}` keys. */
  keysOf(name: string): string[] {
    return [...this.samples.keys()].filter((k) => k === name || k.startsWith(`${name}{`));
  }
}

function labelsOf(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
}

function key(name: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((label) => `${label}="${labels[label]}"`);
  return sorted.length ? `${name}{${sorted.join(',')}}` : name;
}
