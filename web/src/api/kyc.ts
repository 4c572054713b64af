import { api, uploadWithProgress } from './client';

/** KYC: the customer's own record, uploads, and the operators' review queue. */

export const KYC_STATES = ['not_started', 'submitted', 'approved', 'rejected', 'resubmitted'] as const;
export type KycState = (typeof KYC_STATES)[number];
export const DOCUMENT_KINDS = ['pan_card', 'aadhaar_masked', 'photo', 'address_proof'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface KycAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string;
  pincode: string;
}

export interface KycProfile {
  state: KycState;
  editable: boolean;
  legalName: string | null;
  pan: string | null;
  aadhaarMasked: string | null;
  dateOfBirth: string | null;
  address: KycAddress | null;
  submissionCount: number;
  submittedAt: string | null;
  reviewedAt: string | null;
  rejectionReason: string | null;
  missing: string[];
}

export interface KycDocument {
  id: string;
  kind: DocumentKind;
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  uploadedAt: string;
  submitted: boolean;
  /** A link valid for five minutes, only for the person it was made for. */
  url: string;
  urlExpiresAt: string;
}

export interface OwnKyc {
  profile: KycProfile;
  documents: KycDocument[];
  requiredDocuments: DocumentKind[];
  uploadLimits: { maxBytes: number; types: { photo: string[]; other: string[] } };
}

export interface StaffKyc {
  user: { id: string; name: string; email: string; mobile: string | null };
  profile: KycProfile;
  documents: KycDocument[];
}

export interface KycQueueItem {
  userId: string;
  name: string;
  email: string;
  state: KycState;
  submittedAt: string | null;
  reviewedAt: string | null;
  submissionCount: number;
  ageSeconds: number;
}

export interface KycDraft {
  legalName?: string;
  pan?: string;
  aadhaarNumber?: string;
  dateOfBirth?: string;
  address?: { line1: string; line2?: string; city: string; region: string; pincode: string };
}

export const kycApi = {
  get: (signal?: AbortSignal) => api.get<OwnKyc>('/api/kyc', {}, signal),
  save: (draft: KycDraft) => api.put<OwnKyc>('/api/kyc', draft),
  submit: () => api.post<OwnKyc>('/api/kyc/submit'),
  removeDocument: (kind: DocumentKind) => api.del(`/api/kyc/documents/${kind}`),
};

export const staffKycApi = {
  /** Without a state: the submissions waiting for review (submitted and resubmitted). */
  queue: (filters: { state?: KycState; q?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    api.get<{ items: KycQueueItem[]; total: number }>('/api/staff/kyc', { ...filters }, signal),
  get: (userId: string, signal?: AbortSignal) => api.get<StaffKyc>(`/api/staff/kyc/${encodeURIComponent(userId)}`, {}, signal),
  approve: (userId: string) => api.post<{ profile: KycProfile; documents: KycDocument[] }>(`/api/staff/kyc/${encodeURIComponent(userId)}/approve`),
  reject: (userId: string, reason: string) =>
    api.post<{ profile: KycProfile; documents: KycDocument[] }>(`/api/staff/kyc/${encodeURIComponent(userId)}/reject`, { reason }),
};

export const uploadKycDocument = (kind: DocumentKind, file: File, onProgress: (fraction: number) => void) =>
  uploadWithProgress<KycDocument>(`/api/kyc/documents/${kind}`, file, 'document', onProgress);
