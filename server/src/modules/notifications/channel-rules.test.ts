import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideChannel } from './channel-rules.js';

const TOPICS = ['service_updates', 'wallet', 'marketing'] as const;

test('a stored choice decides: on sends, off does not, for every topic', () => {
  for (const topic of TOPICS) {
    assert.deepEqual(decideChannel(topic, { enabled: true }), { send: true }, topic);
    assert.deepEqual(decideChannel(topic, { enabled: false }), { send: false, reason: 'preference_off' }, topic);
  }
});

test('no stored choice counts as off, as the preferences page shows it; marketing says it needs an opt-in', () => {
  assert.deepEqual(decideChannel('service_updates', undefined), { send: false, reason: 'preference_not_given' });
  assert.deepEqual(decideChannel('wallet', undefined), { send: false, reason: 'preference_not_given' });
  assert.deepEqual(decideChannel('marketing', undefined), { send: false, reason: 'marketing_needs_opt_in' });
});
