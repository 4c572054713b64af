import type { FastifyBaseLogger } from 'fastify';
import type { MessageCategory } from '../contacts/consent.js';
import type { GraphClient } from '../graph/graph-client.js';

/**
 * The category (marketing, utility, authentication) of a template the platform's template manager
 * does not know yet (made in Meta Business Manager, not synced): consent and the price depend on
 * it, and Meta's send response does not say. Asked of Meta's template list for the business account
 * (GET /{waba-id}/message_templates?name=…) and cached in this process for 5 minutes per number,
 * name and language: management calls are rate limited per business account (80007). A template
 * Meta does not have is `missing` (the send is refused with Meta's 132001; remembered 1 minute).
 * When Meta cannot be asked, the answer is `marketing`: the strictest consent rule and the highest
 * reserve, which settlement corrects to the category Meta reports.
 */

export type TemplateLookup = { kind: 'found'; category: Exclude<MessageCategory, 'service'>; status: string } | { kind: 'missing' } | { kind: 'unknown'; category: 'marketing' };

const FOUND_TTL_MS = 5 * 60_000;
const MISSING_TTL_MS = 60_000;

export interface TemplateRef {
  tenantId: string;
  numberId: string;
  wabaId: string;
  accessToken: string;
  name: string;
  language: string;
}

export function categoryOf(metaCategory: string): Exclude<MessageCategory, 'service'> {
  const c = metaCategory.toUpperCase();
  if (c === 'UTILITY') return 'utility';
  if (c === 'AUTHENTICATION') return 'authentication';
  return 'marketing';
}

export function createTemplateCategories(deps: { graph: GraphClient; log: FastifyBaseLogger; now?: () => number }) {
  const now = deps.now ?? (() => Date.now());
  const cache = new Map<string, { value: TemplateLookup; until: number }>();
  const inFlight = new Map<string, Promise<TemplateLookup>>();

  const keyOf = (r: Pick<TemplateRef, 'numberId' | 'name' | 'language'>) => `${r.numberId}\n${r.name}\n${r.language}`;

  function remember(key: string, value: TemplateLookup): TemplateLookup {
    if (cache.size > 20_000) cache.clear();
    if (value.kind !== 'unknown') cache.set(key, { value, until: now() + (value.kind === 'found' ? FOUND_TTL_MS : MISSING_TTL_MS) });
    return value;
  }

  async function fromMeta(r: TemplateRef): Promise<TemplateLookup> {
    try {
      const list = await deps.graph.listTemplates(r.wabaId, r.accessToken, { name: r.name, fields: 'name,language,status,category', limit: 100 });
      const hit = list.data.find((t) => t.name === r.name && t.language === r.language);
      return hit ? { kind: 'found', category: categoryOf(String(hit.category)), status: String(hit.status) } : { kind: 'missing' };
    } catch (err) {
      deps.log.warn({ err, numberId: r.numberId, template: r.name }, 'template category lookup failed; reserving as marketing');
      return { kind: 'unknown', category: 'marketing' };
    }
  }

  return {
    async lookup(r: TemplateRef): Promise<TemplateLookup> {
      const key = keyOf(r);
      const cached = cache.get(key);
      if (cached && cached.until > now()) return cached.value;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const promise = (async () => remember(key, await fromMeta(r)))().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },

    /** Forgets what is known about a template (Meta said it does not exist, or its category changed). */
    forget(r: Pick<TemplateRef, 'numberId' | 'name' | 'language'>): void {
      cache.delete(keyOf(r));
    },
  };
}

export type TemplateCategories = ReturnType<typeof createTemplateCategories>;
