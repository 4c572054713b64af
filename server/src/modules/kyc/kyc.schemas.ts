import { Type } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import { KYC_STATES } from './kyc.repo.js';

export const KycStateSchema = Type.Union(KYC_STATES.map((s) => Type.Literal(s)));
export const DocumentKindSchema = Type.Union([Type.Literal('pan_card'), Type.Literal('aadhaar_masked'), Type.Literal('photo'), Type.Literal('address_proof')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const KycDocument = Type.Object({
  id: Uuid,
  kind: DocumentKindSchema,
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  uploadedAt: Timestamp,
  submitted: Type.Boolean(),
  url: Type.String({ description: 'Download link, valid for 5 minutes and only for the user it was made for' }),
  urlExpiresAt: Timestamp,
});

export const KycProfile = Type.Object({
  state: KycStateSchema,
  editable: Type.Boolean(),
  legalName: Nullable(Type.String()),
  pan: Nullable(Type.String()),
  aadhaarMasked: Nullable(Type.String({ description: 'XXXX XXXX 1234: only the last four digits are ever stored' })),
  dateOfBirth: Nullable(Type.String({ format: 'date' })),
  address: Nullable(Type.Object({ line1: Type.String(), line2: Nullable(Type.String()), city: Type.String(), region: Type.String(), pincode: Type.String() })),
  submissionCount: Type.Integer(),
  submittedAt: Nullable(Timestamp),
  reviewedAt: Nullable(Timestamp),
  rejectionReason: Nullable(Type.String()),
  missing: Type.Array(Type.String()),
});

export const KycView = Type.Object({ profile: KycProfile, documents: Type.Array(KycDocument) });

export const OwnKycView = Type.Object({
  profile: KycProfile,
  documents: Type.Array(KycDocument),
  requiredDocuments: Type.Array(DocumentKindSchema),
  uploadLimits: Type.Object({ maxBytes: Type.Integer(), types: Type.Object({ photo: Type.Array(Type.String()), other: Type.Array(Type.String()) }) }),
});

export const StaffKycView = Type.Object({
  user: Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), mobile: Nullable(Type.String()) }),
  profile: KycProfile,
  documents: Type.Array(KycDocument),
});

const Text = (max: number) => Type.String({ maxLength: max });

export const DraftBody = Strict({
  legalName: Type.Optional(Text(100)),
  pan: Type.Optional(Text(20)),
  // Checked in code (12 digits, Verhoeff), so no message ever repeats what was typed.
  aadhaarNumber: Type.Optional(Text(20)),
  dateOfBirth: Type.Optional(Text(10)),
  address: Type.Optional(
    Strict({
      line1: Text(200),
      line2: Type.Optional(Text(200)),
      city: Text(100),
      region: Text(100),
      pincode: Text(10),
    }),
  ),
});

export const KindParams = Type.Object({ kind: DocumentKindSchema });
export const UserIdParams = Type.Object({ userId: Uuid });

export const QueueQuery = Type.Object({
  state: Type.Optional(Type.Array(KycStateSchema, { maxItems: 5, description: 'Default: submitted and resubmitted (waiting for review)' })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const QueueItem = Type.Object({
  userId: Uuid,
  name: Type.String(),
  email: Type.String(),
  state: KycStateSchema,
  submittedAt: Nullable(Timestamp),
  reviewedAt: Nullable(Timestamp),
  submissionCount: Type.Integer(),
  ageSeconds: Type.Integer({ description: 'How long the submission has waited' }),
});

export const RejectBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
