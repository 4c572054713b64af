/** "Send a test message" (server: server/src/modules/whatsapp/messages/test-send.routes.ts). */
import { api } from './client';

export interface SendNumber {
  id: string;
  label: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  status: string;
}

export interface SendTemplate {
  name: string;
  language: string;
  category: string;
  body: string;
  parameterFormat: 'POSITIONAL' | 'NAMED' | string;
  variables: string[];
  hasHeaderVariables: boolean;
}

export interface TestSendInput {
  numberId: string;
  to: string;
  text?: string;
  template?: { name: string; language: string; parameters: { name?: string; value: string }[] };
}

export interface TestSendResult {
  id: string;
  status: 'accepted' | 'queued' | string;
  wamid: string | null;
  waId: string;
  category: string;
  reservedPaise: number;
  note?: string;
}

const base = '/api/whatsapp/test-send';

export const testSendApi = {
  numbers: (signal?: AbortSignal) => api.get<{ items: SendNumber[] }>(`${base}/numbers`, undefined, signal),
  templates: (numberId: string, signal?: AbortSignal) => api.get<{ items: SendTemplate[] }>(`${base}/numbers/${numberId}/templates`, undefined, signal),
  send: (input: TestSendInput) => api.post<TestSendResult>(base, input),
};
