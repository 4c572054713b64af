import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldIssue } from '../../platform/errors.js';

/**
 * OWASP Password Storage Cheat Sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1. Hashes made with
 * other parameters are re-made at the next successful sign-in (`needsRehash`).
 */
export const ARGON2_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// ~49k leaked passwords from the zxcvbn-ts common list, compared case-insensitively.
const COMMON = new Set(dictionary.passwords.map((p) => p.toLowerCase()));

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, ARGON2_PARAMS);
}

// Verified against when the account does not exist, so a miss costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-' + Math.random());
  return dummyHash;
}

/** Problems with a new password, empty when it is acceptable. */
export function passwordProblems(
  password: string,
  personal: { email?: string | null; mobile?: string | null; name?: string | null } = {},
  field = 'password',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    issues.push({ field, message: `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` });
    return issues;
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) issues.push({ field, message: 'This password is too common; choose another.' });
  const own = [personal.email, personal.email?.split('@')[0], personal.mobile, personal.mobile?.slice(-10), personal.name]
    .filter((v): v is string => !!v && v.length >= 4)
    .map((v) => v.toLowerCase());
  if (own.includes(lower)) issues.push({ field, message: 'Do not use your email, mobile number or name as the password.' });
  return issues;
}
