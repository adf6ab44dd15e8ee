import { ConfigError, loadConfig } from '../../src/config/config';
import { originAllowed } from '../../src/server/origins';

const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars' };

test('CORS_ORIGINS unset: any origin outside production, none in production', () => {
  expect(loadConfig({}).corsOrigins).toBe('*');
  expect(loadConfig(production).corsOrigins).toEqual([]);
  expect(originAllowed(loadConfig(production), 'https://desk.example.org')).toBe(false);
  // The server's own public origin, where the desk is served, always may.
  expect(originAllowed(loadConfig({ ...production, PUBLIC_BASE_URL: 'https://factcheck.example.org/' }), 'https://factcheck.example.org')).toBe(true);
  expect(originAllowed(loadConfig(production), 'http://localhost:4000')).toBe(true);
  // A request without an Origin is not a browser's: CORS and the WebSocket check do not apply.
  expect(originAllowed(loadConfig(production), undefined)).toBe(true);
});

test('CORS_ORIGINS is a comma-separated list of origins, or *', () => {
  const config = loadConfig({ ...production, CORS_ORIGINS: ' https://desk.example.org/, http://localhost:5173 ,' });
  expect(config.corsOrigins).toEqual(['https://desk.example.org', 'http://localhost:5173']);
  expect(originAllowed(config, 'http://localhost:5173')).toBe(true);
  expect(originAllowed(config, 'https://desk.example.org.attacker.example')).toBe(false);
  expect(loadConfig({ ...production, CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
});

test.each(['desk.example.org', 'https://desk.example.org/app', 'ftp://x', 'https://a.example, *'])('CORS_ORIGINS=%j stops the server', (value) => {
  expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(ConfigError);
  expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
});

test('operation limits come from MAX_QUERY_* with defaults, and a bad value stops the server', () => {
  expect(loadConfig({}).operationLimits).toEqual({ maxDepth: 15, maxAliases: 20, maxDirectives: 20, maxTokens: 5000, maxCost: 50_000 });
  const tight = loadConfig({ MAX_QUERY_DEPTH: '8', MAX_QUERY_ALIASES: '0', MAX_QUERY_DIRECTIVES: '5', MAX_QUERY_TOKENS: '2000', MAX_QUERY_COST: '20000' });
  expect(tight.operationLimits).toEqual({ maxDepth: 8, maxAliases: 0, maxDirectives: 5, maxTokens: 2000, maxCost: 20_000 });
  expect(() => loadConfig({ MAX_QUERY_COST: 'lots' })).toThrow(/MAX_QUERY_COST/);
  expect(() => loadConfig({ MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH/);
});
