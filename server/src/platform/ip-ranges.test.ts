import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowsAddress, allowsHost, blockedRange, neverAllowed, parseAllowList, parseCidr, parseIp } from './ip-ranges.js';

describe('ip-ranges: addresses outbound requests must not reach', () => {
  test('IPv4 and IPv6 text parses to the same integers other notations give', () => {
    assert.equal(parseIp('127.0.0.1')!.value, 0x7f000001n);
    assert.equal(parseIp('::1')!.value, 1n);
    assert.equal(parseIp('::ffff:127.0.0.1')!.value, parseIp('::ffff:7f00:1')!.value);
    assert.equal(parseIp('2001:db8::1')!.value, (0x20010db8n << 96n) | 1n);
    assert.equal(parseIp('fe80::1%eth0')!.family, 6);
    assert.equal(parseIp('not-an-ip'), null);
    assert.equal(parseIp('1.2.3'), null);
  });

  const blocked: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a00:1', 'private (via NAT64)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (via NAT64)'],
    ['2002:7f00:1::1', 'loopback (via 6to4)'],
    ['2001:db8::1', 'documentation'],
  ];
  for (const [address, name] of blocked) {
    test(`${address} is refused as ${name}`, () => assert.equal(blockedRange(address), name));
  }

  for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '64:ff9b::808:808', '2002:808:808::1']) {
    test(`${address} is a public address`, () => assert.equal(blockedRange(address), null));
  }

  test('unspecified and multicast stay refused whatever the allow-list says; private ranges may be allowed', () => {
    assert.equal(neverAllowed('unspecified'), true);
    assert.equal(neverAllowed('multicast'), true);
    assert.equal(neverAllowed('loopback'), false);
    assert.equal(neverAllowed('private (via NAT64)'), false);
  });

  test('an allow-list takes host names, addresses and CIDR ranges, and reports what it cannot read', () => {
    const [list, bad] = parseAllowList(['hooks.corp.example', ' 127.0.0.1 ', '10.0.0.0/8', '[::1]', 'fd00::/8', 'bad host!', '10.0.0.0/33']);
    assert.deepEqual(bad, ['bad host!', '10.0.0.0/33']);
    assert.equal(allowsHost(list, 'HOOKS.corp.example.'), true);
    assert.equal(allowsHost(list, 'other.example'), false);
    assert.equal(allowsAddress(list, '127.0.0.1'), true);
    assert.equal(allowsAddress(list, '127.0.0.2'), false);
    assert.equal(allowsAddress(list, '10.9.8.7'), true);
    assert.equal(allowsAddress(list, '::1'), true);
    assert.equal(allowsAddress(list, 'fd12::5'), true);
    assert.equal(allowsAddress(list, 'fe80::1'), false);
    assert.equal(parseCidr('192.168.1.77/24')!.base, parseIp('192.168.1.0')!.value);
  });
});
