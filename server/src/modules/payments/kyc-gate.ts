/**
 * Whether the user has approved KYC, which top-ups above TOPUP_KYC_LIMIT_PAISE require.
 *
 * KYC does not exist yet (it is its own issue). Until it lands nobody has approved KYC, so every
 * top-up above the limit is refused with 403 `kyc_required`. When the KYC module arrives, replace
 * this body with its check; nothing else in the top-up flow needs to change.
 */
export async function hasApprovedKyc(_userId: string): Promise<boolean> {
  return false;
}
