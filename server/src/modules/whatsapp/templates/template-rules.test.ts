import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSendParameters, expectedParameters, renderTemplate } from './template-params.js';
import { validateTemplateDraft, variablesOf, type DraftInput, type Json, type TemplateShape } from './template-rules.js';
import { isStale, statusAfterEvent, statusNotice, unusableReason } from './template-status.js';

/** Meta's create rules, the send-parameter check and rendering, as pure functions. */

const body = (text: string, example?: string[]) => ({ type: 'BODY', text, ...(example ? { example: { body_text: [example] } } : {}) });
const draft = (over: Partial<DraftInput> = {}): DraftInput => ({
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [body('Hi {{1}}, your order {{2}} has shipped.', ['Asha', 'A-1001'])],
  ...over,
});
const fields = (d: DraftInput) => {
  const r = validateTemplateDraft(d);
  return r.ok ? [] : r.issues.map((i) => i.field);
};
const messages = (d: DraftInput) => {
  const r = validateTemplateDraft(d);
  return r.ok ? '' : r.issues.map((i) => i.message).join(' | ');
};

describe('template create rules', () => {
  test('a valid template passes and comes out in Meta’s order with upper-case types', () => {
    const r = validateTemplateDraft(
      draft({
        components: [
          { type: 'buttons', buttons: [{ type: 'quick_reply', text: 'Thanks' }] },
          { type: 'footer', text: 'Seva Kendra' },
          body('Hi {{1}}, your order {{2}} has shipped.', ['Asha', 'A-1001']),
          { type: 'header', format: 'text', text: 'Order {{1}}', example: { header_text: ['A-1001'] } },
        ],
      }),
    );
    assert.ok(r.ok, JSON.stringify(r.issues));
    assert.deepEqual(
      r.value.components.map((c) => c.type),
      ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'],
    );
    assert.deepEqual(r.value.components[0], { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1001'] } });
    assert.deepEqual(r.value.components[3], { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] });
  });

  test('name: lower-case letters, digits and underscores, at most 512', () => {
    for (const bad of ['Order_Update', 'order-update', 'order update', 'ऑर्डर', '', 'a'.repeat(513), 'x;DROP TABLE wa_templates']) {
      assert.deepEqual(fields(draft({ name: bad })), ['name'], bad);
    }
    assert.deepEqual(fields(draft({ name: 'a'.repeat(512) })), []);
    assert.deepEqual(fields(draft({ name: '2026_promo_1' })), []);
  });

  test('language from Meta’s list (Indian languages included); category one of three', () => {
    for (const ok of ['en', 'en_US', 'en_GB', 'hi', 'mr', 'ta', 'te', 'bn', 'gu', 'kn', 'ml', 'pa', 'ur']) assert.deepEqual(fields(draft({ language: ok })), [], ok);
    for (const bad of ['EN', 'en-US', 'xx', 'hi_IN', 'english', '']) assert.deepEqual(fields(draft({ language: bad })), ['language'], bad);
    assert.deepEqual(fields(draft({ category: 'TRANSACTIONAL' })), ['category']);
    assert.deepEqual(fields(draft({ category: 'marketing' })), [], 'category is read case-insensitively');
  });

  test('body: required, at most 1024 characters, counted as characters (Hindi too)', () => {
    assert.deepEqual(fields(draft({ components: [] })), ['body.text']);
    assert.deepEqual(fields(draft({ components: [body('   ')] })), ['body.text']);
    assert.deepEqual(fields(draft({ components: [body('न'.repeat(1024))] })), []);
    assert.match(messages(draft({ components: [body('a'.repeat(1025))] })), /at most 1024 characters \(it has 1025\)/);
  });

  test('variables: {{1}}..{{n}} in order, each with a sample; none at the start or end; none next to each other', () => {
    assert.match(messages(draft({ components: [body('Hi {{2}} and {{1}}.', ['a', 'b'])] })), /numbered \{\{1\}\}, \{\{2\}\}, … in order/);
    assert.match(messages(draft({ components: [body('Hi {{1}} and {{3}}.', ['a', 'b'])] })), /found \{\{3\}\} where \{\{2\}\} was expected/);
    assert.match(messages(draft({ components: [body('Hi {{1}}, code {{2}}.', ['a'])] })), /sample value for \{\{2\}\}/);
    assert.match(messages(draft({ components: [body('Hi {{1}}.')] })), /sample value for \{\{1\}\}/);
    assert.match(messages(draft({ components: [body('Hi {{1}}.', ['a', 'b'])] })), /2 samples for 1 variable/);
    assert.match(messages(draft({ components: [body('{{1}}, your order shipped.', ['Asha'])] })), /cannot start with a variable/);
    assert.match(messages(draft({ components: [body('Your order shipped, {{1}}', ['Asha'])] })), /cannot end with a variable/);
    assert.deepEqual(fields(draft({ components: [body('Your order shipped, {{1}}.', ['Asha'])] })), [], 'a full stop after the last variable is fine');
    assert.match(messages(draft({ components: [body('Hi {{1}}{{2}} there.', ['a', 'b'])] })), /next to each other/);
    assert.match(messages(draft({ components: [body('Hi {{1}} {{2}} there.', ['a', 'b'])] })), /next to each other/);
    // The same variable twice is one parameter.
    assert.deepEqual(fields(draft({ components: [body('Hi {{1}}, yes you {{1}}!', ['Asha'])] })), []);
  });

  test('malformed variables and stray braces are named, not silently sent to Meta', () => {
    for (const text of ['Hi {{ 1 }} there.', 'Hi {{name}} there.', 'Hi {{1} there.', 'Hi {{0}} there.', 'Hi }} there.', 'Hi {{{1}}} there.']) {
      assert.ok(fields(draft({ components: [body(text, ['a'])] })).includes('body.text'), text);
    }
    assert.deepEqual(fields(draft({ components: [body('Prices {from ₹10} apply.')] })), [], 'single braces are text');
  });

  test('named parameters: lower-case names, a sample for each, none extra', () => {
    const named = (text: string, params: Json[]) => draft({ parameterFormat: 'NAMED', components: [{ type: 'BODY', text, example: { body_text_named_params: params } }] });
    assert.deepEqual(fields(named('Hi {{first_name}}, order {{order_id}} shipped.', [{ param_name: 'first_name', example: 'Asha' }, { param_name: 'order_id', example: 'A1' }])), []);
    assert.match(messages(named('Hi {{First}}, shipped.', [{ param_name: 'First', example: 'Asha' }])), /\{\{First\}\} is not a valid variable/);
    assert.match(messages(named('Hi {{first_name}}, shipped.', [])), /sample value for \{\{first_name\}\}/);
    assert.match(messages(named('Hi {{first_name}}, shipped.', [{ param_name: 'first_name', example: 'A' }, { param_name: 'other', example: 'x' }])), /sample for \{\{other\}\}, which the body does not use/);
    assert.match(messages(named('Hi {{1}}, shipped.', [])), /not a valid variable/);
  });

  test('header: text ≤ 60 with at most one variable and no emoji or line breaks; media needs a sample handle', () => {
    const withHeader = (h: Json) => draft({ components: [h, body('Hi {{1}}, shipped.', ['Asha'])] });
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(60) })), []);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) })), ['header.text']);
    assert.ok(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: '{{1}} and {{2}}', example: { header_text: ['a', 'b'] } })).includes('header.text'));
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' })), ['header.example']);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: 'Sale 🎉' })), ['header.text']);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'TEXT', text: 'two\nlines' })), ['header.text']);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'IMAGE' })), ['header.example']);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U=:ARb'] } })), []);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'LOCATION' })), []);
    assert.deepEqual(fields(withHeader({ type: 'HEADER', format: 'GIF' })), ['header.format']);
  });

  test('footer: ≤ 60 characters, no variables', () => {
    const withFooter = (text: string) => draft({ components: [body('Hi {{1}}, shipped.', ['Asha']), { type: 'FOOTER', text }] });
    assert.deepEqual(fields(withFooter('Reply STOP to opt out')), []);
    assert.deepEqual(fields(withFooter('x'.repeat(61))), ['footer.text']);
    assert.deepEqual(fields(withFooter('Hi {{1}}')), ['footer.text']);
  });

  test('buttons: limits per type, 25-character texts, grouping, URL variable at the end with a sample, phone with country code', () => {
    const withButtons = (buttons: Json[], category = 'MARKETING') => draft({ category, components: [body('Hi {{1}}, see our sale.', ['Asha']), { type: 'BUTTONS', buttons }] });
    assert.deepEqual(fields(withButtons([{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }])), ['buttons[0].text']);
    assert.deepEqual(fields(withButtons(Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i}` })))), ['buttons']);
    const url = (u: string, example?: string[]) => ({ type: 'URL', text: 'Shop', url: u, ...(example ? { example } : {}) });
    assert.deepEqual(fields(withButtons([url('https://example.com/shop?promo={{1}}', ['summer'])])), []);
    assert.deepEqual(fields(withButtons([url('https://example.com/{{1}}/shop', ['x'])])), ['buttons[0].url']);
    assert.deepEqual(fields(withButtons([url('https://example.com/{{1}}')])), ['buttons[0].example']);
    assert.deepEqual(fields(withButtons([url('javascript:alert(1)')])), ['buttons[0].url']);
    assert.deepEqual(fields(withButtons([url('https://a.com', undefined), { ...url('https://b.com'), text: 'B' }, { ...url('https://c.com'), text: 'C' }])), ['buttons']);
    assert.deepEqual(fields(withButtons([{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+91 98765 43210' }])), []);
    assert.deepEqual(fields(withButtons([{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '12' }])), ['buttons[0].phone_number']);
    assert.deepEqual(
      fields(withButtons([{ type: 'QUICK_REPLY', text: 'A' }, url('https://a.com'), { type: 'QUICK_REPLY', text: 'B' }])),
      ['buttons'],
      'quick replies must stay together',
    );
    assert.deepEqual(fields(withButtons([{ type: 'QUICK_REPLY', text: 'Yes' }, { type: 'QUICK_REPLY', text: 'yes' }])), ['buttons']);
    assert.deepEqual(fields(withButtons([{ type: 'COPY_CODE', example: 'SAVE25' }])), []);
    assert.deepEqual(fields(withButtons([{ type: 'COPY_CODE', example: 'SAVE25' }], 'UTILITY')), ['buttons[0].type']);
    assert.deepEqual(fields(withButtons([{ type: 'COPY_CODE', example: 'THIS CODE IS TOO LONG' }])), ['buttons[0].example']);
    assert.deepEqual(fields(withButtons([{ type: 'OTP', otp_type: 'COPY_CODE' }])), ['buttons[0].type']);
    assert.deepEqual(fields(withButtons([{ type: 'FLOW', text: 'Go' }])), ['buttons[0].type']);
  });

  test('authentication: Meta writes body and footer, a one-time-password button is required', () => {
    const auth = (components: Json[]) => draft({ name: 'login_code', category: 'AUTHENTICATION', components });
    const good = validateTemplateDraft(
      auth([{ type: 'BODY', add_security_recommendation: true }, { type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }]),
    );
    assert.ok(good.ok, JSON.stringify(good.issues));
    assert.deepEqual(fields(auth([{ type: 'BODY' }])), ['buttons']);
    assert.deepEqual(fields(auth([{ type: 'BODY', text: 'Your code is {{1}}.' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }])), ['body.text']);
    assert.deepEqual(fields(auth([{ type: 'BODY' }, { type: 'FOOTER', code_expiration_minutes: 91 }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }])), ['footer.code_expiration_minutes']);
    assert.deepEqual(fields(auth([{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] }])), ['buttons[0].supported_apps']);
    assert.deepEqual(
      fields(auth([{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP', supported_apps: [{ package_name: 'com.example.app', signature_hash: 'K8a%2FAINcGX7' }] }] }])),
      ['buttons[0].supported_apps'],
    );
    assert.deepEqual(fields(auth([{ type: 'HEADER', format: 'TEXT', text: 'Code' }, { type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }])), ['header']);
  });

  test('hostile input: wrong types, prototype keys, control characters and bidi overrides are refused with a message, never thrown', () => {
    const hostile: unknown[] = [null, 42, 'BODY', [], { type: { toString: 'x' } }, JSON.parse('{"__proto__": {"polluted": true}, "type": "BODY", "text": "Hi"}')];
    for (const c of hostile) {
      const r = validateTemplateDraft(draft({ components: [c, body('Hi {{1}}, ok.', ['a'])] }));
      assert.equal(r.ok, false, JSON.stringify(c));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(fields(draft({ components: [body('Hi \u202Eevil text.')] })), ['body.text']);
    assert.deepEqual(fields(draft({ components: [body('Hi\u0000there.')] })), ['body.text']);
    assert.deepEqual(fields(draft({ components: [body('Hi {{1}}, ok.', ['line\nbreak'])] })), ['body.example']);
    assert.deepEqual(fields(draft({ components: [body('Hi {{1}}, ok.', ['{{2}}'])] })), ['body.example']);
    assert.deepEqual(fields(draft({ components: 'not a list' as unknown as Json[] })), ['body.text']);
    assert.deepEqual(fields({ name: 5, language: {}, category: [], components: [body('Hi.')] }), ['name', 'language', 'category']);
    assert.equal(validateTemplateDraft(draft({ components: [body('Hi {{1}}.'.repeat(300))] })).ok, false, 'a long text with many variables is just refused');
  });

  test('variablesOf reports malformed tokens per format', () => {
    assert.deepEqual(variablesOf('a {{1}} b {{2}} {{1}}', 'POSITIONAL'), { keys: ['1', '2'], malformed: [] });
    assert.deepEqual(variablesOf('a {{name}}', 'POSITIONAL'), { keys: [], malformed: ['{{name}}'] });
    assert.deepEqual(variablesOf('a {{name}} {{x_1}}', 'NAMED'), { keys: ['name', 'x_1'], malformed: [] });
  });
});

describe('send parameters against a template', () => {
  const positional: TemplateShape = {
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Sale on {{1}}', example: { header_text: ['shoes'] } },
      { type: 'BODY', text: 'Hi {{1}}, use {{2}} today.', example: { body_text: [['Asha', 'SAVE10']] } },
      { type: 'FOOTER', text: 'Seva Kendra' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Stop' },
          { type: 'URL', text: 'Shop', url: 'https://example.com/shop/{{1}}', example: ['summer'] },
          { type: 'COPY_CODE', example: 'SAVE10' },
          { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+919876543210' },
        ],
      },
    ],
  };
  const text = (t: string) => ({ type: 'text', text: t });
  const good = () => [
    { type: 'header', parameters: [text('sarees')] },
    { type: 'body', parameters: [text('Ravi'), text('DIWALI')] },
    { type: 'button', sub_type: 'url', index: '1', parameters: [text('diwali')] },
    { type: 'button', sub_type: 'copy_code', index: 2, parameters: [{ type: 'coupon_code', coupon_code: 'DIWALI' }] },
  ];
  const issuesOf = (t: TemplateShape, c: unknown) => checkSendParameters(t, c).issues.map((i) => `${i.kind}:${i.field}`);

  test('what the template expects, per component', () => {
    assert.deepEqual(expectedParameters(positional), {
      header: { kind: 'text', keys: ['1'] },
      body: { keys: ['1', '2'] },
      buttons: [
        { index: 0, type: 'QUICK_REPLY', subType: 'quick_reply', param: 'payload', required: false },
        { index: 1, type: 'URL', subType: 'url', param: 'text', required: true },
        { index: 2, type: 'COPY_CODE', subType: 'copy_code', param: 'coupon_code', required: true },
        { index: 3, type: 'PHONE_NUMBER', subType: 'phone_number', param: null, required: false },
      ],
    });
  });

  test('the right parameters pass and fill the template', () => {
    const { issues, values } = checkSendParameters(positional, good());
    assert.deepEqual(issues, []);
    const r = renderTemplate(positional, values);
    assert.equal(r.header?.text, 'Sale on sarees');
    assert.equal(r.body, 'Hi Ravi, use DIWALI today.');
    assert.equal(r.buttons[1]!.url, 'https://example.com/shop/diwali');
    assert.equal(r.buttons[2]!.code, 'DIWALI');
    assert.equal(r.text, 'Sale on sarees\n\nHi Ravi, use DIWALI today.\n\nSeva Kendra');
  });

  test('counts per component: header, body, required buttons (Meta 132000 / 131008)', () => {
    const without = (type: string) => good().filter((c) => c.type !== type);
    assert.deepEqual(issuesOf(positional, without('header')), ['count:header']);
    const oneBody = good().map((c) => (c.type === 'body' ? { ...c, parameters: [text('Ravi')] } : c));
    const res = checkSendParameters(positional, oneBody).issues;
    assert.deepEqual(res.map((i) => i.field), ['body']);
    assert.match(res[0]!.message, /body expects 2 parameters \(\{\{1\}\}, \{\{2\}\}\), got 1/);
    assert.deepEqual(issuesOf(positional, good().filter((c) => c.sub_type !== 'url')), ['count:buttons[1]']);
    assert.deepEqual(issuesOf(positional, [...good(), { type: 'button', sub_type: 'phone_number', index: 3, parameters: [text('x')] }]), ['count:buttons[3]']);
    assert.deepEqual(issuesOf(positional, undefined), ['count:header', 'count:body', 'count:buttons[1]', 'count:buttons[2]']);
  });

  test('kinds and values: wrong types, wrong sub_type, bad index, line breaks, over-long results (132012 / 132005)', () => {
    const swap = (i: number, v: Json) => good().map((c, j) => (j === i ? v : c));
    assert.deepEqual(issuesOf(positional, swap(0, { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.com/a.jpg' } }] })), ['invalid:header.parameters[0]']);
    assert.deepEqual(issuesOf(positional, swap(2, { type: 'button', sub_type: 'quick_reply', index: 1, parameters: [text('x')] })), ['invalid:buttons[1]']);
    assert.deepEqual(issuesOf(positional, swap(2, { type: 'button', sub_type: 'url', index: 9, parameters: [text('x')] })), ['invalid:buttons[9]', 'count:buttons[1]']);
    assert.deepEqual(issuesOf(positional, swap(1, { type: 'body', parameters: [text('Ravi\nKumar'), text('x')] })), ['invalid:body.parameters[0]']);
    assert.deepEqual(issuesOf(positional, swap(1, { type: 'body', parameters: [text('a     b'), text('x')] })), ['invalid:body.parameters[0]']);
    assert.deepEqual(issuesOf(positional, swap(1, { type: 'body', parameters: [text(''), text('x')] })), ['invalid:body.parameters[0]']);
    assert.deepEqual(issuesOf(positional, swap(1, { type: 'body', parameters: [text('x'.repeat(1010)), text('y')] })), ['invalid:body']);
    assert.deepEqual(issuesOf(positional, swap(0, { type: 'header', parameters: [text('x'.repeat(55))] })), ['invalid:header']);
    assert.deepEqual(issuesOf(positional, 'nonsense'), ['invalid:components']);
    assert.deepEqual(
      issuesOf(positional, swap(1, { type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '₹100', code: 'INR', amount_1000: 100000 } }, { type: 'date_time', date_time: { fallback_value: 'Monday' } }] })),
      [],
    );
  });

  test('named parameters: every name once, none unknown', () => {
    const named: TemplateShape = { category: 'UTILITY', parameterFormat: 'NAMED', components: [{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_id}} is ready.' }] };
    const p = (name: string, t: string) => ({ type: 'text', parameter_name: name, text: t });
    assert.deepEqual(issuesOf(named, [{ type: 'body', parameters: [p('order_id', '9'), p('first_name', 'Asha')] }]), []);
    assert.equal(renderTemplate(named, checkSendParameters(named, [{ type: 'body', parameters: [p('order_id', '9'), p('first_name', 'Asha')] }]).values).body, 'Hi Asha, order 9 is ready.');
    assert.deepEqual(issuesOf(named, [{ type: 'body', parameters: [p('first_name', 'Asha')] }]), ['count:body']);
    assert.deepEqual(issuesOf(named, [{ type: 'body', parameters: [p('first_name', 'Asha'), p('nope', '9')] }]), ['invalid:body.parameters[1]']);
    assert.deepEqual(issuesOf(named, [{ type: 'body', parameters: [p('first_name', 'Asha'), p('first_name', '9')] }]), ['invalid:body.parameters[1]']);
    assert.deepEqual(issuesOf(named, [{ type: 'body', parameters: [text('Asha'), text('9')] }]), ['invalid:body.parameters[0]', 'invalid:body.parameters[1]']);
  });

  test('media header: one parameter of the header’s kind with an id or a link', () => {
    const media: TemplateShape = { category: 'UTILITY', parameterFormat: 'POSITIONAL', components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Your invoice is attached.' }] };
    assert.deepEqual(issuesOf(media, [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.com/i.pdf', filename: 'i.pdf' } }] }]), []);
    assert.deepEqual(issuesOf(media, []), ['count:header']);
    assert.deepEqual(issuesOf(media, [{ type: 'header', parameters: [{ type: 'document', document: {} }] }]), ['invalid:header.parameters[0]']);
    assert.deepEqual(issuesOf(media, [{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }]), ['invalid:header.parameters[0]']);
  });

  test('authentication: the code in the body and the OTP (url) button', () => {
    const auth: TemplateShape = {
      category: 'AUTHENTICATION',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'FOOTER', code_expiration_minutes: 5 }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }],
    };
    const send = [
      { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
    ];
    assert.deepEqual(issuesOf(auth, send), []);
    assert.deepEqual(issuesOf(auth, send.slice(0, 1)), ['count:buttons[0]']);
    const r = renderTemplate(auth, checkSendParameters(auth, send).values);
    assert.equal(r.body, '*482913* is your verification code. For your security, do not share this code.');
    assert.equal(r.footer, 'This code expires in 5 minutes.');
  });

  test('a preview without values uses the samples, then leaves {{n}}', () => {
    const r = renderTemplate(positional);
    assert.equal(r.body, 'Hi Asha, use SAVE10 today.');
    assert.equal(r.buttons[1]!.url, 'https://example.com/shop/summer');
    const bare = renderTemplate({ category: 'UTILITY', parameterFormat: 'POSITIONAL', components: [{ type: 'BODY', text: 'Hi {{1}}.' }] });
    assert.equal(bare.body, 'Hi {{1}}.');
  });
});

describe('template status rules', () => {
  test('events map onto statuses', () => {
    assert.equal(statusAfterEvent('REINSTATED', 'PAUSED'), 'APPROVED');
    assert.equal(statusAfterEvent('FLAGGED', 'APPROVED'), 'APPROVED');
    assert.equal(statusAfterEvent('PAUSED', 'APPROVED'), 'PAUSED');
  });

  test('an older report is stale; the same second counts as newer except a late PENDING', () => {
    const t = new Date('2026-03-01T10:00:05.700Z');
    assert.equal(isStale(new Date('2026-03-01T10:00:04Z'), t, { status: 'APPROVED', currentStatus: 'PENDING' }), true);
    assert.equal(isStale(new Date('2026-03-01T10:00:05Z'), t, { status: 'APPROVED', currentStatus: 'PENDING' }), false);
    assert.equal(isStale(new Date('2026-03-01T10:00:05Z'), t, { status: 'PENDING', currentStatus: 'APPROVED' }), true);
    assert.equal(isStale(new Date('2026-03-01T10:00:06Z'), t, { status: 'PAUSED', currentStatus: 'APPROVED' }), false);
  });

  test('usability and notices', () => {
    const t = { name: 'promo', language: 'en', reason: null, other_info: { title: 'FIRST_PAUSE', description: '' } };
    assert.equal(unusableReason({ ...t, status: 'APPROVED' }), null);
    assert.equal(unusableReason({ ...t, status: 'PAUSED' })?.code, 'template_paused');
    assert.match(unusableReason({ ...t, status: 'PAUSED' })!.message, /about 3 hours/);
    assert.equal(unusableReason({ ...t, status: 'DISABLED' })?.code, 'template_disabled');
    assert.equal(unusableReason({ ...t, status: 'PENDING' })?.code, 'template_not_approved');
    const base = { templateId: 'x', tenantId: 'y', name: 'promo', language: 'en', reason: null, rejectionReason: null, otherInfo: null };
    assert.equal(statusNotice({ ...base, event: 'PAUSED', from: 'APPROVED', to: 'PAUSED' })?.kind, 'whatsapp.template_paused');
    assert.equal(statusNotice({ ...base, event: 'APPROVED', from: 'PAUSED', to: 'APPROVED' })?.kind, 'whatsapp.template_resumed');
    assert.equal(statusNotice({ ...base, event: 'FLAGGED', from: 'APPROVED', to: 'APPROVED' })?.kind, 'whatsapp.template_flagged');
    assert.equal(statusNotice({ ...base, event: 'PENDING', from: 'PENDING', to: 'PENDING' }), null);
    const long = statusNotice({ ...base, name: 'x'.repeat(512), event: 'PAUSED', from: 'APPROVED', to: 'PAUSED' })!;
    assert.ok(long.title.en.length <= 200 && long.title.hi.length <= 200, 'fits the notification title');
  });
});
