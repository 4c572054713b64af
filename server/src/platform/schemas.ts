import { Type, type TSchema } from '@sinclair/typebox';

/** The error body every 4xx/5xx carries (see error-handler.ts). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
      requestId: Type.String(),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });

/** Request objects reject fields they do not define, so typos fail loudly instead of being dropped. */
export function Strict<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

export const errorResponses = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  409: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
};
