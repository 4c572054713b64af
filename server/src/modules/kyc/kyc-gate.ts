import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.js';
import { forbidden } from '../../platform/errors.js';
import { userActor } from '../../platform/http.js';
import { isApproved } from './kyc.repo.js';

/**
 * Which features need approved KYC is configuration (KYC_REQUIRED_FOR): `whatsapp_api`,
 * `topup_above_limit`, `service:<kind>`. Other modules ask the gate, never the KYC tables:
 *
 *   app.post('/api/…', { config: { access: 'signed-in' }, preHandler: kycGate.requireKyc('whatsapp_api') }, …)
 *   await kycGate.check(`service:${kind}`, userId)   // inside a service
 */
export type KycFeature = 'whatsapp_api' | 'topup_above_limit' | `service:${string}`;

export function createKycGate(deps: { db: Queryable; requiredFor: readonly string[] }) {
  const { db, requiredFor } = deps;
  const isRequired = (feature: KycFeature) => requiredFor.includes(feature);
  const hasApprovedKyc = (userId: string) => isApproved(db, userId);

  /** True when the user may use `feature`: it needs no KYC, or their KYC is approved. */
  async function allows(feature: KycFeature, userId: string): Promise<boolean> {
    return !isRequired(feature) || (await hasApprovedKyc(userId));
  }

  /** Throws 403 `kyc_required` unless the user may use `feature`. */
  async function check(feature: KycFeature, userId: string): Promise<void> {
    if (!(await allows(feature, userId))) {
      throw forbidden('This needs approved KYC. Complete your KYC (identity verification) first.', 'kyc_required');
    }
  }

  /** A preHandler for routes of a feature that needs approved KYC. */
  function requireKyc(feature: KycFeature) {
    return async (request: FastifyRequest) => check(feature, userActor(request).userId);
  }

  return { isRequired, hasApprovedKyc, allows, check, requireKyc };
}

export type KycGate = ReturnType<typeof createKycGate>;
