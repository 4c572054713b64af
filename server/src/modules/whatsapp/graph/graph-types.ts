/**
 * Request and response bodies of the Cloud API endpoints the platform uses, in Meta's own
 * snake_case (SPEC = ../shared/meta/spec/business-messaging-api_v23.0.yaml; bodies in
 * ../shared/meta/examples/). Kept open (`[key: string]: unknown`) where Meta adds fields over time.
 */

export interface MediaRef {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

export interface TemplateParameter {
  type: 'text' | 'currency' | 'date_time' | 'image' | 'video' | 'document' | 'location' | 'payload' | 'coupon_code' | 'action';
  parameter_name?: string;
  text?: string;
  payload?: string;
  coupon_code?: string;
  currency?: { fallback_value: string; code: string; amount_1000: number };
  date_time?: { fallback_value: string };
  image?: MediaRef;
  video?: MediaRef;
  document?: MediaRef;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  action?: Record<string, unknown>;
}

export interface TemplateComponentParams {
  type: 'header' | 'body' | 'button';
  sub_type?: 'quick_reply' | 'url' | 'copy_code' | 'catalog' | 'flow' | 'voice_call';
  index?: string | number;
  parameters?: TemplateParameter[];
}

interface BaseMessage {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual';
  to: string;
  context?: { message_id: string };
  /** ≤512 characters; echoed on every status webhook of the message (carry the platform's message id). */
  biz_opaque_callback_data?: string;
}

export type OutboundMessage = BaseMessage &
  (
    | { type?: 'text'; text: { body: string; preview_url?: boolean } }
    | { type: 'image'; image: MediaRef }
    | { type: 'audio'; audio: MediaRef }
    | { type: 'video'; video: MediaRef }
    | { type: 'document'; document: MediaRef }
    | { type: 'sticker'; sticker: MediaRef }
    | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
    | { type: 'contacts'; contacts: Record<string, unknown>[] }
    | { type: 'reaction'; reaction: { message_id: string; emoji: string } }
    | { type: 'interactive'; interactive: Record<string, unknown> & { type: string } }
    | { type: 'template'; template: { name: string; language: { code: string; policy?: 'deterministic' }; components?: TemplateComponentParams[] } }
  );

/** Mark an inbound message as read, optionally showing a typing indicator (SPEC "Send typing indicator and read receipt"). */
export interface MarkReadRequest {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
  typing_indicator?: { type: 'text' };
}

export type MessageStatusOnSend = 'accepted' | 'held_for_quality_assessment' | 'paused';

/** 200 from POST /messages: accepted, not delivered (examples/send-response-*.json). */
export interface SendMessageResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id: string }[];
  /** `message_status` only on template sends (template pacing). */
  messages: { id: string; message_status?: MessageStatusOnSend }[];
}

export interface SuccessResponse {
  success: boolean;
}

export interface MediaUploadResponse {
  id: string;
}

/** GET /{media-id}: the download URL is valid for 5 minutes and needs the same bearer token. */
export interface MediaUrlResponse {
  messaging_product: 'whatsapp';
  url: string;
  mime_type: string;
  sha256: string;
  file_size: string | number;
  id: string;
}

export interface DownloadedMedia {
  data: Buffer;
  contentType: string | undefined;
}

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | 'NA';

/**
 * GET /{phone-number-id}. `messaging_limit_tier` (TIER_250 … TIER_UNLIMITED) is deprecated in favour
 * of `whatsapp_business_manager_messaging_limit` (portfolio level); `throughput.level` is STANDARD
 * (80 mps) or HIGH (1,000 mps) (CONTRACT §7).
 */
export interface PhoneNumberInfo {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: QualityRating;
  messaging_limit_tier?: string;
  whatsapp_business_manager_messaging_limit?: string;
  throughput?: { level: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE' | string };
  status?: string;
  name_status?: string;
  code_verification_status?: string;
  platform_type?: string;
  [key: string]: unknown;
}

export const DEFAULT_PHONE_NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'messaging_limit_tier',
  'whatsapp_business_manager_messaging_limit',
  'throughput',
  'status',
  'name_status',
  'code_verification_status',
].join(',');

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'LIMIT_EXCEEDED'
  | 'ARCHIVED'
  | 'LOCKED';

export interface TemplateComponentDefinition {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
  text?: string;
  example?: Record<string, unknown>;
  buttons?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface MessageTemplate {
  id: string;
  name: string;
  language: string;
  status: TemplateStatus | string;
  category: TemplateCategory | string;
  components: TemplateComponentDefinition[];
  parameter_format?: 'POSITIONAL' | 'NAMED';
  [key: string]: unknown;
}

/** Meta's cursor paging of an edge: `next` is there only while another page follows. */
export interface GraphPaging {
  cursors?: { before?: string; after?: string };
  next?: string;
  previous?: string;
}

export interface TemplateList {
  data: MessageTemplate[];
  paging?: GraphPaging;
}

/** GET /{waba-id}/phone_numbers: one page (Meta: 25 by default, `limit` up to 100). */
export interface PhoneNumberList {
  data: PhoneNumberInfo[];
  paging?: GraphPaging;
}

export interface CreateTemplateRequest {
  name: string;
  language: string;
  category: TemplateCategory;
  components: TemplateComponentDefinition[];
  parameter_format?: 'POSITIONAL' | 'NAMED';
  allow_category_change?: boolean;
}

export interface CreateTemplateResponse {
  id: string;
  status: TemplateStatus | string;
  category: TemplateCategory | string;
}
