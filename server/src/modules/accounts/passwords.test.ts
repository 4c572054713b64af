import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import { Client, registerUser, testPlatform, type TestPlatform } from '../../test/harness.js';
import { normalizeIndianMobile } from './mobile.js';
import { ARGON2_PARAMS, PASSWORD_MAX, PASSWORD_MIN, hashPassword, needsRehash, passwordProblems, verifyPassword } from './passwords.js';

/** The parts of a PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash */
function parsePhc(hash: string) {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
  assert.ok(m, `not a PHC argon2 string: ${hash}`);
  return { type: m[1], version: Number(m[2]), m: Number(m[3]), t: Number(m[4]), p: Number(m[5]), salt: m[6]!, digest: m[7]! };
}

const weakHash = (password: string) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });

describe('password hashing', () => {
  test('hashes are argon2id with m=19456, t=2, p=1 and a fresh salt each time', async () => {
    const a = await hashPassword('Correct-Horse-battery-1');
    const b = await hashPassword('Correct-Horse-battery-1');
    const pa = parsePhc(a);
    assert.deepEqual([pa.type, pa.version, pa.m, pa.t, pa.p], ['argon2id', 19, 19_456, 2, 1]);
    assert.ok(Buffer.from(pa.salt, 'base64').length >= 16, 'salt of at least 128 bits');
    assert.ok(Buffer.from(pa.digest, 'base64').length >= 32, 'digest of at least 256 bits');
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword(a, 'Correct-Horse-battery-1'), true);
    assert.equal(await verifyPassword(a, 'correct-horse-battery-1'), false);
  });

  test('verifyPassword answers false, never throws, for malformed hashes', async () => {
    for (const bad of ['', 'plain-text', '$argon2id$v=19$m=1,t=1,p=1$$', '$2b$10$abcdefghijklmnopqrstuv']) {
      assert.equal(await verifyPassword(bad, 'whatever'), false, bad);
    }
  });

  test('needsRehash is true for weaker parameters and false for the current ones', async () => {
    const weak = await weakHash('Some-password-1');
    assert.equal(parsePhc(weak).m, 4096);
    assert.equal(needsRehash(weak), true);
    assert.equal(needsRehash(await hashPassword('Some-password-1')), false);
    assert.equal(ARGON2_PARAMS.memoryCost, 19_456);
  });

  describe('a sign-in upgrades an old hash', () => {
    let t: TestPlatform;
    before(async () => {
      t = await testPlatform();
    });
    after(() => t.close());

    test('the stored hash is rewritten with the current parameters after a correct password only', async () => {
      const person = await registerUser(t.app, 'rehash');
      const old = await weakHash(person.password);
      await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [person.id, old]);
      const stored = async () => (await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [person.id]))[0]!.password_hash;

      assert.equal((await new Client(t.app).login(person.email, 'not-the-password')).statusCode, 401);
      assert.equal(await stored(), old, 'a failed attempt leaves the hash alone');

      assert.equal((await new Client(t.app).login(person.email, person.password)).statusCode, 200);
      const upgraded = await stored();
      assert.notEqual(upgraded, old);
      const p = parsePhc(upgraded);
      assert.deepEqual([p.type, p.m, p.t, p.p], ['argon2id', 19_456, 2, 1]);
      assert.equal(await verifyPassword(upgraded, person.password), true);
      assert.equal((await new Client(t.app).login(person.email, person.password)).statusCode, 200, 'still signs in');
      assert.equal(await stored(), upgraded, 'a current hash is not rewritten again');
    });
  });
});

describe('password rules (passwordProblems)', () => {
  test('common passwords are refused, whatever their case', () => {
    for (const p of ['password', 'PASSWORD', 'PassWord', 'iloveyou', 'ILoveYou', 'qwertyuiop', '12345678', 'password123', 'Sunshine']) {
      const problems = passwordProblems(p);
      assert.equal(problems.length, 1, p);
      assert.match(problems[0]!.message, /too common/);
      assert.equal(problems[0]!.field, 'password');
    }
    assert.deepEqual(passwordProblems('Correct-Horse-battery-staple'), []);
  });

  test(`length must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, () => {
    const long = 'Zq9!'.repeat(40);
    assert.equal(passwordProblems('Zq9!xY7').length, 1, '7 characters');
    assert.deepEqual(passwordProblems('Zq9!xY7#'), [], '8 characters');
    assert.deepEqual(passwordProblems(long.slice(0, PASSWORD_MAX)), [], '128 characters');
    const tooLong = passwordProblems(long.slice(0, PASSWORD_MAX + 1));
    assert.equal(tooLong.length, 1, '129 characters');
    assert.match(tooLong[0]!.message, /8 to 128/);
    assert.equal(passwordProblems('').length, 1);
    assert.equal(passwordProblems('x', {}, 'newPassword')[0]!.field, 'newPassword');
  });

  test('length counts characters, not UTF-16 units', () => {
    assert.deepEqual(passwordProblems('कखगघचछजझ'), [], '8 Devanagari characters');
    assert.equal(passwordProblems('कखगघचछज').length, 1, '7 Devanagari characters');
    // Emoji are two UTF-16 units each: 4 of them are 8 units but only 4 characters.
    assert.equal('🔑🔒🚪🔐'.length, 8);
    assert.equal(passwordProblems('🔑🔒🚪🔐').length, 1, '4 emoji are too short');
    assert.deepEqual(passwordProblems('🔑🔒🚪🔐🔑🔒🚪🔐'), [], '8 emoji are enough');
    assert.deepEqual(passwordProblems('🔑'.repeat(PASSWORD_MAX)), [], `${PASSWORD_MAX} emoji are within the limit`);
    assert.equal(passwordProblems('🔑'.repeat(PASSWORD_MAX + 1)).length, 1);
  });

  test('the email, its name part, the mobile number or the name are refused as the password', () => {
    const personal = { email: 'ramesh.kumar@example.com', mobile: '+919876543210', name: 'Ramesh Kumar Verma' };
    for (const p of ['ramesh.kumar@example.com', 'Ramesh.Kumar@Example.com', 'ramesh.kumar', '+919876543210', '9876543210', 'ramesh kumar verma']) {
      const problems = passwordProblems(p, personal);
      assert.equal(problems.length, 1, p);
      assert.match(problems[0]!.message, /email, mobile number or name/);
    }
    assert.deepEqual(passwordProblems('Ramesh-likes-chai-42', personal), []);
  });
});

describe('normalizeIndianMobile', () => {
  const valid: [string, string][] = [
    ['9876543210', '+919876543210'],
    ['+919876543210', '+919876543210'],
    ['+91 98765 43210', '+919876543210'],
    ['+91-98765-43210', '+919876543210'],
    ['919876543210', '+919876543210'],
    ['09876543210', '+919876543210'],
    ['098765 43210', '+919876543210'],
    ['98765-43210', '+919876543210'],
    ['(+91) 98765.43210', '+919876543210'],
    ['6000000000', '+916000000000'],
    ['7012345678', '+917012345678'],
    ['8123456789', '+918123456789'],
    ['9198765432', '+919198765432'],
  ];
  for (const [input, expected] of valid) {
    test(`accepts ${JSON.stringify(input)}`, () => assert.equal(normalizeIndianMobile(input), expected));
  }
  const invalid = [
    '5876543210', // 5 is not a mobile prefix (landline-like)
    '+915876543210',
    '1234567890',
    '98765432101', // 11 digits
    '987654321', // 9 digits
    '0098765 43210',
    '+9198765432101',
    '+929876543210',
    '+1 9876543210',
    '98765a43210',
    '',
    '+91',
  ];
  for (const input of invalid) {
    test(`refuses ${JSON.stringify(input)}`, () => assert.equal(normalizeIndianMobile(input), null));
  }
});
