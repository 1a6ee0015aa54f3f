/**
 * Secrets Manager reads for functions on AWS. The Powertools parameters module (and with it the
 * Secrets Manager client) is loaded on first use only, so the laptop runtime, which passes
 * secrets in its environment, never loads it.
 */
import { ConfigError } from './config.ts';

/** Secrets are cached this long, so a rotation reaches warm functions within minutes. */
export const SECRET_CACHE_SECONDS = 300;

/** The secret's string value; `meaning` says what it should hold, for the error message. */
export async function readSecretString(secretArn: string, meaning: string): Promise<string> {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(secretArn, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`Secret ${secretArn} has no string value: store ${meaning} in it.`);
  }
  return value.trim();
}
