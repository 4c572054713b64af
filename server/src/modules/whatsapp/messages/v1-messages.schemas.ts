import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * POST /v1/messages: the platform's own API. The message is Meta's message object (the same field
 * names as the Cloud API, so code can move between the two), wrapped with `from` (the sending number)
 * — and, unlike Meta, every object rejects fields it does not define, so a typo fails with 400
 * instead of being dropped silently. Lengths, counts and the rules between fields are Meta's, checked
 * after this schema with Meta's error codes (meta.code in the error).
 */

const S = <T extends Record<string, TSchema>>(properties: T) => Type.Object(properties, { additionalProperties: false });
const Str = (max: number, min = 0) => Type.String({ maxLength: max, minLength: min });
const Opt = Type.Optional;

const Media = S({ id: Opt(Str(32)), link: Opt(Str(2000)), caption: Opt(Str(4096)), filename: Opt(Str(1000)), voice: Opt(Type.Boolean()) });
const Location = S({ latitude: Type.Number(), longitude: Type.Number(), name: Opt(Str(1000)), address: Opt(Str(1000)) });
const Kind = Opt(Str(40));

const Contact = S({
  name: S({ formatted_name: Str(1000), first_name: Opt(Str(1000)), last_name: Opt(Str(1000)), middle_name: Opt(Str(1000)), prefix: Opt(Str(100)), suffix: Opt(Str(100)) }),
  phones: Opt(Type.Array(S({ phone: Str(100), type: Kind, wa_id: Opt(Str(20)) }), { maxItems: 20 })),
  emails: Opt(Type.Array(S({ email: Str(320), type: Kind }), { maxItems: 20 })),
  urls: Opt(Type.Array(S({ url: Str(2000), type: Kind }), { maxItems: 20 })),
  addresses: Opt(
    Type.Array(S({ street: Opt(Str(500)), city: Opt(Str(200)), state: Opt(Str(200)), zip: Opt(Str(40)), country: Opt(Str(200)), country_code: Opt(Str(10)), type: Kind }), {
      maxItems: 20,
    }),
  ),
  org: Opt(S({ company: Opt(Str(500)), department: Opt(Str(500)), title: Opt(Str(500)) })),
  birthday: Opt(Str(10)),
});

const InteractiveHeader = S({ type: Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('video'), Type.Literal('document')]), text: Opt(Str(4096)), sub_text: Opt(Str(4096)), image: Opt(Media), video: Opt(Media), document: Opt(Media) });
const InteractiveAction = S({
  button: Opt(Str(1000)),
  buttons: Opt(Type.Array(S({ type: Str(20), reply: S({ id: Str(1000), title: Str(1000) }) }), { maxItems: 10 })),
  sections: Opt(
    Type.Array(S({ title: Opt(Str(1000)), rows: Type.Array(S({ id: Str(1000), title: Str(1000), description: Opt(Str(1000)) }), { maxItems: 100 }) }), { maxItems: 100 }),
  ),
  name: Opt(Str(100)),
  parameters: Opt(
    S({
      display_text: Opt(Str(1000)),
      url: Opt(Str(2000)),
      flow_message_version: Opt(Str(10)),
      flow_id: Opt(Str(100)),
      flow_name: Opt(Str(200)),
      flow_cta: Opt(Str(1000)),
      flow_token: Opt(Str(1000)),
      mode: Opt(Str(20)),
      flow_action: Opt(Str(40)),
      flow_action_payload: Opt(S({ screen: Opt(Str(200)), data: Opt(Type.Record(Type.String(), Type.Unknown())) })),
    }),
  ),
});
const Interactive = S({
  type: Type.Union(['button', 'list', 'cta_url', 'flow', 'location_request_message'].map((t) => Type.Literal(t))),
  header: Opt(InteractiveHeader),
  body: Opt(S({ text: Str(4096) })),
  footer: Opt(S({ text: Str(1000) })),
  action: InteractiveAction,
});

const TemplateParameter = S({
  type: Str(40),
  parameter_name: Opt(Str(200)),
  text: Opt(Str(32768)),
  payload: Opt(Str(1000)),
  coupon_code: Opt(Str(100)),
  currency: Opt(S({ fallback_value: Str(1000), code: Str(3), amount_1000: Type.Integer() })),
  date_time: Opt(S({ fallback_value: Str(1000) })),
  image: Opt(Media),
  video: Opt(Media),
  document: Opt(Media),
  location: Opt(Location),
  action: Opt(Type.Record(Type.String(), Type.Unknown())),
});
const Template = S({
  name: Str(512, 1),
  language: S({ code: Str(15, 1), policy: Opt(Type.Literal('deterministic')) }),
  components: Opt(
    Type.Array(
      S({
        type: Type.Union([Type.Literal('header'), Type.Literal('body'), Type.Literal('button')]),
        sub_type: Opt(Str(40)),
        index: Opt(Type.Union([Type.String({ maxLength: 2 }), Type.Integer({ minimum: 0, maximum: 9 })])),
        parameters: Opt(Type.Array(TemplateParameter, { maxItems: 100 })),
      }),
      { maxItems: 20 },
    ),
  ),
});

export const MESSAGE_OBJECT_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template'] as const;

export const V1SendBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 40, description: 'The sending number: its id on this platform (uuid) or Meta\'s phone_number_id.' }),
    to: Opt(Type.String({ minLength: 1, maxLength: 40, description: "The recipient's phone number in international format (+ and separators allowed)." })),
    type: Opt(Type.Union(MESSAGE_OBJECT_TYPES.map((t) => Type.Literal(t)), { description: 'Message type; the object of the same name carries the content.' })),
    recipient_type: Opt(Type.Literal('individual')),
    text: Opt(S({ body: Str(4096 * 4), preview_url: Opt(Type.Boolean()) })),
    image: Opt(Media),
    audio: Opt(Media),
    video: Opt(Media),
    document: Opt(Media),
    sticker: Opt(Media),
    location: Opt(Location),
    contacts: Opt(Type.Array(Contact, { minItems: 1, maxItems: 257 })),
    reaction: Opt(S({ message_id: Str(200, 1), emoji: Str(32) })),
    interactive: Opt(Interactive),
    template: Opt(Template),
    context: Opt(S({ message_id: Str(200, 1) })),
    biz_opaque_callback_data: Opt(Type.String({ maxLength: 512, description: 'Returned with this message in the message log and status events.' })),
    status: Opt(Type.Literal('read', { description: 'Marks the inbound message `message_id` as read instead of sending (Meta\'s read receipt).' })),
    message_id: Opt(Str(200, 1)),
    typing_indicator: Opt(S({ type: Type.Literal('text') })),
  },
  { additionalProperties: false },
);
export type V1SendBody = Static<typeof V1SendBody>;

export const V1SendResult = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The platform message id (message log).' }),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('queued')], { description: 'accepted: Meta took it (wamid set); queued: it waits for throughput, or Meta\'s answer is pending.' }),
  wamid: Type.Union([Type.String(), Type.Null()]),
  from: Type.Object({ numberId: Type.String({ format: 'uuid' }), phoneNumberId: Type.String() }),
  to: Type.String(),
  waId: Type.String(),
  type: Type.String(),
  category: Type.String({ description: 'Billing category expected: marketing, utility, authentication or service.' }),
  reservedPaise: Type.Integer({ description: 'Reserved from the wallet; settled when Meta reports the price.' }),
  messageStatus: Type.Optional(Type.String({ description: "Meta's template pacing: accepted, held_for_quality_assessment or paused." })),
  note: Type.Optional(Type.String()),
});

export const V1ReadResult = Type.Object({
  status: Type.Literal('read'),
  messageId: Type.String(),
  success: Type.Boolean(),
});

export const V1ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    requestId: Type.String(),
    meta: Type.Optional(
      Type.Object({
        code: Type.Integer(),
        subcode: Type.Optional(Type.Integer()),
        type: Type.String(),
        message: Type.String(),
        details: Type.Optional(Type.String()),
        fbtraceId: Type.Optional(Type.String()),
        category: Type.String(),
        retryable: Type.Boolean(),
      }),
    ),
  }),
});

/** Every error status of the send endpoints, in the shape above. */
export const V1_ERRORS = {
  400: V1ErrorResponse,
  401: V1ErrorResponse,
  402: V1ErrorResponse,
  403: V1ErrorResponse,
  404: V1ErrorResponse,
  409: V1ErrorResponse,
  422: V1ErrorResponse,
  424: V1ErrorResponse,
  429: V1ErrorResponse,
  503: V1ErrorResponse,
};
