/** WhatsApp automations per number (server: server/src/modules/whatsapp/automations). */
import { api } from './client';

export type MatchType = 'exact' | 'contains' | 'regex';
export type RuleKind = 'welcome' | 'away' | 'keyword' | 'opt_out' | 'opt_in';
export type SingleKind = Exclude<RuleKind, 'keyword'>;
export type MediaType = 'image' | 'video' | 'audio' | 'document';

export type Reply =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | { type: 'media'; mediaType: MediaType; link?: string; mediaId?: string; caption?: string; filename?: string }
  | { type: 'buttons'; header?: string; body: string; footer?: string; buttons: { id: string; title: string }[] }
  | {
      type: 'list';
      header?: string;
      body: string;
      footer?: string;
      button: string;
      sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    }
  | { type: 'template'; name: string; language: string; components?: Record<string, unknown>[] };

export type ReplyType = Reply['type'];

export interface Interval {
  open: string;
  close: string;
}
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export type WeeklyHours = Record<Day, Interval[]>;

export interface AutomationSettings {
  enabled: boolean;
  timezone: string;
  weeklyHours: WeeklyHours;
  holidays: { date: string; name?: string }[];
  awayCooldownHours: number;
  contactLimit: number;
  contactWindowMinutes: number;
  numberLimitPerMinute: number;
  updatedAt: string | null;
}
export type SettingsInput = Omit<AutomationSettings, 'updatedAt'>;

export interface Rule {
  id: string;
  kind: RuleKind;
  name: string;
  enabled: boolean;
  position: number;
  matchType: MatchType | null;
  patterns: string[];
  reply: Reply | null;
  addTags: string[];
  stoppedAt: string | null;
  stoppedReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Overview {
  number: { id: string; label: string; displayPhoneNumber: string | null; status: string };
  settings: AutomationSettings;
  openNow: boolean;
  rules: Rule[];
}

export interface RuleInput {
  name: string;
  enabled?: boolean;
  matchType: MatchType;
  patterns: string[];
  reply: Reply | null;
  addTags: string[];
}

export interface TestResult {
  open: boolean;
  timezone: string;
  localTime: string;
  note: 'consent_keyword' | 'ignored_type' | 'automations_off' | null;
  consentKeyword: 'opt_out' | 'opt_in' | 'marketing_stop' | null;
  fired: { ruleId: string; kind: RuleKind; name: string; matched: string | null; reply: Reply | null; replySummary: string | null; addTags: string[] }[];
}

export interface Run {
  id: string;
  ruleId: string | null;
  ruleName: string | null;
  kind: RuleKind;
  waId: string;
  state: 'claimed' | 'done' | 'skipped' | 'failed' | 'retry';
  reason: string | null;
  detail: string | null;
  messageId: string | null;
  inboundMessageId: string;
  tagsAdded: string[];
  createdAt: string;
  finishedAt: string | null;
}

const base = (numberId: string) => `/api/whatsapp/automations/${encodeURIComponent(numberId)}`;

export const automationsApi = {
  get: (numberId: string, signal?: AbortSignal) => api.get<Overview>(base(numberId), {}, signal),
  saveSettings: (numberId: string, input: SettingsInput) => api.put<{ settings: AutomationSettings; openNow: boolean }>(`${base(numberId)}/settings`, input),
  saveReply: (numberId: string, kind: SingleKind, input: { enabled: boolean; reply: Reply | null }) => api.put<{ rule: Rule }>(`${base(numberId)}/replies/${kind}`, input),
  createRule: (numberId: string, input: RuleInput) => api.post<{ rule: Rule }>(`${base(numberId)}/rules`, input),
  updateRule: (numberId: string, ruleId: string, input: Partial<RuleInput>) => api.patch<{ rule: Rule }>(`${base(numberId)}/rules/${encodeURIComponent(ruleId)}`, input),
  deleteRule: (numberId: string, ruleId: string) => api.del(`${base(numberId)}/rules/${encodeURIComponent(ruleId)}`),
  reorder: (numberId: string, ruleIds: string[]) => api.put<{ rules: Rule[] }>(`${base(numberId)}/rules/order`, { ruleIds }),
  test: (numberId: string, input: { text: string; firstContact?: boolean; at?: string }) => api.post<TestResult>(`${base(numberId)}/test`, input),
  runs: (numberId: string, signal?: AbortSignal) => api.get<{ items: Run[] }>(`${base(numberId)}/runs`, { limit: 50 }, signal),
};
