import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { example, exampleNames } from '../../test/meta.js';
import { checkUpload } from './media-rules.js';
import { fieldPath, normalizeRecipient, validateSend } from './message-rules.js';
import { SimGraphError } from './sim-errors.js';
import { checkTemplateCall, reviewTemplate, templateUnusable, validateTemplateCreate, variablesOf, type StoredTemplate } from './template-rules.js';

/** The simulator's rules on their own (no database): Meta's codes for each kind of mistake. */

function codeOf(fn: () => unknown): { code: number; details: string | undefined } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SimGraphError, `expected a SimGraphError, got ${String(err)}`);
    return { code: err.code, details: err.details };
  }
  assert.fail('expected an error');
}

const base = { messaging_product: 'whatsapp', to: '16505551234' };
const text = (body: unknown) => ({ ...base, type: 'text', text: { body } });
const buttons = (n: number, title = 'OK') => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: `${title}${i}` } })) } },
});
const list = (sections: number, rowsEach: number) => ({
  ...base,
  type: 'interactive',
  interactive: {
    type: 'list',
    body: { text: 'Pick' },
    action: { button: 'Choose', sections: Array.from({ length: sections }, (_, s) => ({ title: `S${s}`, rows: Array.from({ length: rowsEach }, (_, r) => ({ id: `r${s}-${r}`, title: `Row ${r}` })) })) },
  },
});

describe('message rules', () => {
  test('every send request example is valid', () => {
    for (const name of exampleNames('send-').filter((n) => n.endsWith('-request.json'))) {
      const v = validateSend(example(name));
      assert.ok(v.kind === 'message' || v.kind === 'read', name);
    }
  });

  test('field paths are written as Meta writes them', () => {
    assert.equal(fieldPath(['text', 'body']), "text['body']");
    assert.equal(fieldPath(['interactive', 'action', 'buttons', 0, 'reply']), "interactive['action']['buttons'][0]['reply']");
  });

  test('missing fields → 131008 with Meta’s wording', () => {
    assert.deepEqual(codeOf(() => validateSend(text(undefined))), { code: 131008, details: "The parameter text['body'] is required." });
    assert.equal(codeOf(() => validateSend({ to: '1650555' })).code, 131008);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'image', image: {} })).code, 131008);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'location', location: { latitude: 1 } })).code, 131008);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'reaction', reaction: { emoji: '👍' } })).code, 131008);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'template', template: { language: { code: 'en' } } })).code, 131008);
    assert.equal(codeOf(() => validateSend({ messaging_product: 'whatsapp', status: 'read' })).code, 131008);
  });

  test('wrong product, types and lengths → 100', () => {
    assert.equal(codeOf(() => validateSend({ ...text('hi'), messaging_product: 'sms' })).code, 100);
    assert.equal(codeOf(() => validateSend(text('x'.repeat(4097)))).code, 100);
    validateSend(text('x'.repeat(4096)));
    assert.equal(codeOf(() => validateSend(text(42))).code, 100);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'image', image: { link: 'https://e.x/a.jpg', caption: 'c'.repeat(1025) } })).code, 100);
    validateSend({ ...base, type: 'image', image: { link: 'https://e.x/a.jpg', caption: 'c'.repeat(1024) } });
    assert.equal(codeOf(() => validateSend({ ...base, type: 'image', image: { id: '1', link: 'https://e.x/a.jpg' } })).code, 100);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'image', image: { link: 'ftp://e.x/a.jpg' } })).code, 100);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'audio', audio: { id: '1', caption: 'no' } })).code, 100);
    assert.equal(codeOf(() => validateSend({ ...text('hi'), to: 'not a number' })).code, 100);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: 'ok' } })).code, 100);
    assert.equal(codeOf(() => validateSend(buttons(2, 'A very long button title'))).code, 100);
  });

  test('counts and values out of range → 131009', () => {
    assert.equal(codeOf(() => validateSend(buttons(0))).code, 131009);
    assert.equal(codeOf(() => validateSend(buttons(4))).code, 131009);
    validateSend(buttons(3));
    validateSend(list(2, 5));
    assert.equal(codeOf(() => validateSend(list(2, 6))).code, 131009, '12 rows in all');
    assert.equal(codeOf(() => validateSend(list(11, 1))).code, 131009, '11 sections');
    assert.equal(codeOf(() => validateSend({ ...base, type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' } } })).code, 131009);
    assert.equal(codeOf(() => validateSend({ ...text('hi'), recipient_type: 'group' })).code, 131009);
    assert.equal(codeOf(() => validateSend({ ...base, type: 'location', location: { latitude: 91, longitude: 0 } })).code, 131009);
  });

  test('unknown types → 131051; type defaults to text; reactions may be removed', () => {
    assert.deepEqual(codeOf(() => validateSend({ ...base, type: 'order', order: {} })), { code: 131051, details: 'Unsupported message type.' });
    const v = validateSend({ ...base, text: { body: 'no type' } });
    assert.equal(v.kind === 'message' && v.type, 'text');
    validateSend(example('send-reaction-remove-request.json'));
  });

  test('recipients in any international notation become digits', () => {
    assert.equal(normalizeRecipient('+1 (650) 555-1234'), '16505551234');
    assert.equal(normalizeRecipient('919876543210'), '919876543210');
    assert.equal(normalizeRecipient('0987654321'), null);
    assert.equal(normalizeRecipient('12345'), null);
  });
});

describe('template rules', () => {
  const approved = (components: Record<string, unknown>[], extra: Partial<StoredTemplate> = {}): StoredTemplate => ({
    id: '100000000000001',
    name: 't',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    components,
    quality_pacing: false,
    ...extra,
  });
  const body2 = approved([{ type: 'BODY', text: 'Hi {{1}}, use {{2}}' }]);
  const call = (params: number) => [{ type: 'body' as const, parameters: Array.from({ length: params }, (_, i) => ({ type: 'text', value: { type: 'text', text: `p${i}` } })) }];

  test('the create examples are accepted; bad names, categories and variables are not', () => {
    validateTemplateCreate(example('template-create-request.json'));
    const auth = validateTemplateCreate(example('template-create-authentication-request.json'));
    assert.deepEqual(variablesOf(String(auth.components.find((c) => c.type === 'BODY')!.text)), ['1']);
    const good = example('template-create-request.json');
    assert.equal(codeOf(() => validateTemplateCreate({ ...good, name: 'Bad Name' })).code, 100);
    assert.equal(codeOf(() => validateTemplateCreate({ ...good, category: 'PROMO' })).code, 100);
    assert.equal(codeOf(() => validateTemplateCreate({ ...good, components: [{ type: 'BODY', text: 'Hi {{2}}', example: { body_text: [['x']] } }] })).code, 100);
    assert.equal(codeOf(() => validateTemplateCreate({ ...good, components: [{ type: 'BODY', text: 'Hi {{1}}' }] })).code, 100, 'no example');
    assert.equal(codeOf(() => validateTemplateCreate({ ...good, components: [{ type: 'FOOTER', text: 'x' }] })).code, 100, 'no body');
  });

  test('the review rejects variables next to each other', () => {
    assert.equal(reviewTemplate([{ type: 'BODY', text: 'Hi {{1}}{{2}}' }]).status, 'REJECTED');
    assert.equal(reviewTemplate([{ type: 'BODY', text: 'Hi {{1}}, {{2}}' }]).status, 'APPROVED');
  });

  test('missing, unapproved, paused and disabled templates', () => {
    assert.deepEqual({ code: templateUnusable(undefined, 'order_update_v2', 'en_US')!.code, details: templateUnusable(undefined, 'order_update_v2', 'en_US')!.details }, {
      code: 132001,
      details: 'template name (order_update_v2) does not exist in en_US',
    });
    assert.equal(templateUnusable(approved([], { status: 'PENDING' }), 't', 'en')!.code, 132001);
    assert.equal(templateUnusable(approved([], { status: 'PAUSED' }), 't', 'en')!.code, 132015);
    assert.equal(templateUnusable(approved([], { status: 'DISABLED' }), 't', 'en')!.code, 132016);
    assert.equal(templateUnusable(body2, 't', 'en'), null);
  });

  test('parameter counts → 132000 with Meta’s wording; formats → 132012; required buttons → 131008', () => {
    assert.deepEqual(codeOf(() => checkTemplateCall(body2, call(1))), { code: 132000, details: 'body: number of localizable_params (1) does not match the expected number of params (2)' });
    checkTemplateCall(body2, call(2));
    const withImage = approved([{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi' }]);
    assert.equal(codeOf(() => checkTemplateCall(withImage, [])).code, 132000);
    assert.equal(codeOf(() => checkTemplateCall(withImage, [{ type: 'header', parameters: [{ type: 'video', value: {} }] }])).code, 132012);
    checkTemplateCall(withImage, [{ type: 'header', parameters: [{ type: 'image', value: {} }] }]);
    const withUrl = approved([{ type: 'BODY', text: 'Hi' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }, { type: 'URL', text: 'Go', url: 'https://e.x/{{1}}' }] }]);
    assert.deepEqual(codeOf(() => checkTemplateCall(withUrl, [])), { code: 131008, details: 'buttons: Button at index 1 of type Url requires a parameter' });
    checkTemplateCall(withUrl, [{ type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text', value: { text: 'x' } }] }]);
    assert.equal(codeOf(() => checkTemplateCall(withUrl, [{ type: 'button', subType: 'url', index: 0, parameters: [] }])).code, 131009);
    const named = approved([{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_id}}' }], { parameter_format: 'NAMED' });
    checkTemplateCall(named, [{ type: 'body', parameters: [{ type: 'text', name: 'order_id', value: { text: '1' } }, { type: 'text', name: 'first_name', value: { text: 'A' } }] }]);
    assert.equal(codeOf(() => checkTemplateCall(named, [{ type: 'body', parameters: [{ type: 'text', name: 'x', value: { text: '1' } }, { type: 'text', name: 'first_name', value: { text: 'A' } }] }])).code, 100);
    assert.equal(codeOf(() => checkTemplateCall(body2, [{ type: 'body', parameters: [{ type: 'text', value: { text: 'x'.repeat(1020) } }, { type: 'text', value: { text: 'y' } }] }])).code, 132005);
  });
});

describe('media rules', () => {
  test('types and sizes as Meta documents them → 131053 otherwise', () => {
    assert.equal(checkUpload('image/jpeg', Buffer.alloc(5 * 1024 * 1024)), 'image');
    assert.equal(codeOf(() => checkUpload('image/jpeg', Buffer.alloc(5 * 1024 * 1024 + 1))).code, 131053);
    assert.equal(codeOf(() => checkUpload('image/gif', Buffer.alloc(10))).code, 131053);
    assert.equal(checkUpload('application/pdf; charset=binary', Buffer.alloc(10)), 'document');
    assert.equal(codeOf(() => checkUpload('image/webp', Buffer.alloc(100 * 1024 + 1))).code, 131053, 'static stickers ≤ 100 KB');
    const animated = Buffer.alloc(200 * 1024);
    animated.write('RIFF', 0, 'latin1');
    animated.write('WEBPVP8X', 8, 'latin1');
    animated[20] = 0x02;
    assert.equal(checkUpload('image/webp', animated), 'sticker', 'animated stickers ≤ 500 KB');
    assert.equal(codeOf(() => checkUpload('audio/ogg', Buffer.alloc(0))).code, 131053);
  });
});
