import { jsonForScript, outboundLink, time } from '../../src/publishing/templates/format';

test('JSON-LD in a script block has no "<", so no text in it can close the block or open a comment, and reads back the same', () => {
  const value = { claimReviewed: '</script><script>alert(1)</script> <!-- «Алматы»', n: 1 };
  const embedded = jsonForScript(value);
  expect(embedded).not.toContain('<');
  expect(JSON.parse(embedded)).toEqual(value);
});

test('a link out escapes its address and text, and asks not to be followed', () => {
  const link = outboundLink('https://example.org/?a=1&b="x"', '<b>photo</b>');
  expect(link).toBe('<a href="https://example.org/?a&#61;1&#38;b&#61;&#34;x&#34;" rel="nofollow noopener noreferrer external">&#60;b&#62;photo&#60;/b&#62;</a>');
});

test('a time says the moment exactly for machines and in words for people', () => {
  expect(time(new Date('2022-01-05T08:30:00.000Z'))).toBe('<time datetime="2022-01-05T08:30:00.000Z">5 January 2022 at 08:30 UTC</time>');
});
