import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAadhaar, checkDateOfBirth, checkPan, checkPincode, maskAadhaar, verhoeffCheckDigit, verhoeffValid } from './kyc.rules.js';

describe('KYC rules', () => {
  test('Verhoeff: known values, and every single-digit error and adjacent swap is caught', () => {
    assert.equal(verhoeffCheckDigit('236'), '3');
    assert.ok(verhoeffValid('2363'));
    assert.ok(!verhoeffValid('2364'));
    const base = '23456789012';
    const full = base + verhoeffCheckDigit(base);
    assert.ok(verhoeffValid(full));
    for (let i = 0; i < full.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === full[i]) continue;
        assert.ok(!verhoeffValid(full.slice(0, i) + d + full.slice(i + 1)), `digit ${i} → ${d}`);
      }
      if (i < full.length - 1 && full[i] !== full[i + 1]) {
        assert.ok(!verhoeffValid(full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2)), `swap at ${i}`);
      }
    }
  });

  test('Aadhaar: 12 digits, not starting with 0 or 1, valid check digit; only the last four come back', () => {
    const valid = '49981234567' + verhoeffCheckDigit('49981234567');
    assert.deepEqual(checkAadhaar(valid), { last4: valid.slice(8) });
    assert.deepEqual(checkAadhaar(`${valid.slice(0, 4)} ${valid.slice(4, 8)}-${valid.slice(8)}`), { last4: valid.slice(8) });
    assert.match((checkAadhaar(valid.slice(0, 11)) as { problem: string }).problem, /12 digits/);
    const one = '19981234567' + verhoeffCheckDigit('19981234567');
    assert.match((checkAadhaar(one) as { problem: string }).problem, /0 or 1/);
    const wrong = valid.slice(0, 11) + ((Number(valid[11]) + 1) % 10);
    assert.match((checkAadhaar(wrong) as { problem: string }).problem, /check digit/);
    assert.equal(maskAadhaar('1234'), 'XXXX XXXX 1234');
  });

  test('PAN: format and holder-type letter', () => {
    assert.deepEqual(checkPan('abcpe1234f'), { pan: 'ABCPE1234F' });
    assert.deepEqual(checkPan('AAACT 1234 Q'), { pan: 'AAACT1234Q' });
    for (const bad of ['ABCPE1234', 'ABCP11234F', '1BCPE1234F', 'ABCPE12345', 'ABCPEX234F']) assert.ok('problem' in checkPan(bad), bad);
    assert.match((checkPan('ABCXE1234F') as { problem: string }).problem, /holder type/);
    for (const t of 'PCHFATBLJG') assert.ok('pan' in checkPan(`ABC${t}E1234F`), t);
  });

  test('date of birth: a real date, an adult, not in the future', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    assert.equal(checkDateOfBirth('1990-01-31', now), null);
    assert.equal(checkDateOfBirth('2008-06-15', now), null, '18 today');
    assert.match(checkDateOfBirth('2008-06-16', now)!.problem, /at least 18/);
    assert.match(checkDateOfBirth('2027-01-01', now)!.problem, /future/);
    assert.match(checkDateOfBirth('1990-02-30', now)!.problem, /does not exist/);
    assert.match(checkDateOfBirth('1850-01-01', now)!.problem, /1900/);
    assert.match(checkDateOfBirth('01/02/1990', now)!.problem, /YYYY-MM-DD/);
  });

  test('PIN code', () => {
    assert.deepEqual(checkPincode('110 001'), { pincode: '110001' });
    assert.ok('problem' in checkPincode('010001'));
    assert.ok('problem' in checkPincode('11001'));
  });
});
