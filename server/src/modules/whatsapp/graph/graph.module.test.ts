import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, type ConfigError } from '../../../config.js';
import { TEST_MASTER_KEY, testPlatform } from '../../../test/harness.js';
import { sandboxMetaApp } from '../../meta-sandbox/sandbox-ids.js';
import { graphTarget, metaAppCredentials } from './graph.module.js';

const env = { NODE_ENV: 'test', MASTER_KEY: TEST_MASTER_KEY, DATA_DIR: '/tmp/seva-graph-config-test' };

test('without a Meta app the simulator is the Graph API and signs with a secret derived from the master key', async () => {
  const config = loadConfig(env);
  assert.deepEqual(graphTarget(config), { baseUrl: 'http://localhost:3000/sandbox/graph', inProcess: true });
  const app = metaAppCredentials(config)!;
  assert.equal(app.source, 'sandbox');
  assert.deepEqual(app.appSecret, sandboxMetaApp(config.masterKey).appSecret);
  assert.match(app.appSecret, /^[0-9a-f]{32}$/);
  assert.match(app.appId, /^[0-9]{15}$/);
  assert.equal(metaAppCredentials(loadConfig(env))!.appSecret, app.appSecret, 'the same on every start and instance');
  assert.notEqual(sandboxMetaApp(Buffer.alloc(32, 1)).appSecret, app.appSecret, 'another master key, another secret');

  const t = await testPlatform();
  try {
    assert.equal(t.app.hasRoute({ method: 'POST', url: '/sandbox/graph/:version/:id/messages' }), true);
    const res = await t.app.inject({ method: 'POST', url: '/sandbox/graph/_sim/numbers', payload: {} });
    assert.equal(res.statusCode, 201);
  } finally {
    await t.close();
  }
});

test('with a Meta app (or in production) the simulator is not mounted', async () => {
  const meta = loadConfig({ ...env, META_APP_ID: '1234567890', META_APP_SECRET: 'real-secret', META_VERIFY_TOKEN: 'verify-me' });
  assert.deepEqual(metaAppCredentials(meta), { source: 'meta', appId: '1234567890', appSecret: 'real-secret', verifyToken: 'verify-me' });
  assert.deepEqual(graphTarget(meta), { baseUrl: 'https://graph.facebook.com', inProcess: false });
  const prod = loadConfig({ ...env, NODE_ENV: 'production', PUBLIC_URL: 'https://seva.example.in' });
  assert.equal(metaAppCredentials(prod), null);
  assert.equal(graphTarget(prod), null);
  assert.deepEqual(graphTarget({ ...prod, metaGraphUrl: 'https://graph.example.net' }), { baseUrl: 'https://graph.example.net', inProcess: false });

  const variants: Record<string, string>[] = [{ META_APP_ID: '1234567890', META_APP_SECRET: 'real-secret' }, { NODE_ENV: 'production', PUBLIC_URL: 'https://seva.example.in' }];
  for (const extra of variants) {
    const t = await testPlatform({ env: extra });
    try {
      assert.equal(t.app.hasRoute({ method: 'POST', url: '/sandbox/graph/_sim/numbers' }), false, JSON.stringify(extra));
      assert.equal(t.app.hasRoute({ method: 'POST', url: '/sandbox/graph/:version/:id/messages' }), false);
    } finally {
      await t.close();
    }
  }
});

test('configuration: the app id and secret come together; URLs and versions are checked', () => {
  const problems = (extra: Record<string, string>) => {
    try {
      loadConfig({ ...env, ...extra });
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  assert.match(problems({ META_APP_ID: '1234567890' })[0]!, /META_APP_ID and META_APP_SECRET must be set together/);
  assert.match(problems({ META_APP_ID: 'abc', META_APP_SECRET: 'x' })[0]!, /numeric app id/);
  assert.match(problems({ META_GRAPH_URL: 'graph.facebook.com' })[0]!, /META_GRAPH_URL must be an http\(s\) URL/);
  assert.match(problems({ META_GRAPH_VERSION: '23' })[0]!, /v23\.0/);
  const c = loadConfig({ ...env, META_GRAPH_URL: 'https://graph.example.net/', META_GRAPH_VERSION: 'v24.0', META_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:9999/hook' });
  assert.equal(c.metaGraphUrl, 'https://graph.example.net');
  assert.equal(c.metaGraphVersion, 'v24.0');
  assert.equal(c.metaSandboxWebhookUrl, 'http://127.0.0.1:9999/hook');
  assert.equal(loadConfig(env).metaSandboxWebhookUrl, 'http://localhost:3000/webhooks/whatsapp');
});
