import { clientNetwork, forwardedAddress } from '../../src/server/client-address';

describe('forwardedAddress', () => {
  test('without trusted proxies, the socket peer, whatever X-Forwarded-For says', () => {
    expect(forwardedAddress('198.51.100.4', '203.0.113.7', 0)).toBe('198.51.100.4');
  });

  test('behind one proxy, the entry that proxy added (the last); entries a client wrote are ignored', () => {
    expect(forwardedAddress('172.18.0.5', '203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedAddress('172.18.0.5', '1.2.3.4, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedAddress('172.18.0.5', ['1.2.3.4', '203.0.113.7'], 1)).toBe('203.0.113.7');
  });

  test('behind two proxies, the entry the outer one added', () => {
    expect(forwardedAddress('10.0.0.2', '1.2.3.4, 203.0.113.7, 10.0.0.1', 2)).toBe('203.0.113.7');
  });

  test('with more trusted proxies than entries, the first entry; no header or junk, the socket peer', () => {
    expect(forwardedAddress('10.0.0.2', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(forwardedAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(forwardedAddress('10.0.0.2', 'not-an-address', 1)).toBe('10.0.0.2');
  });
});

describe('clientNetwork', () => {
  test('IPv4 as it is, also when mapped into IPv6', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  test('IPv6 as its /64, however it is written', () => {
    expect(clientNetwork('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
