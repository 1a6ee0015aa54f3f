/** The `livemode` context value of the CDK app (`cdk synth -c livemode=true`). */
import { describe, expect, it } from 'vitest';
import { livemodeFromContext } from '../../infra/context.ts';

describe('livemode context', () => {
  it('defaults to test mode and accepts booleans or their strings', () => {
    expect(livemodeFromContext(undefined)).toBe(false);
    expect(livemodeFromContext('false')).toBe(false);
    expect(livemodeFromContext(true)).toBe(true);
    expect(livemodeFromContext('true')).toBe(true);
  });

  it('refuses anything else, so a typo cannot deploy the wrong mode', () => {
    expect(() => livemodeFromContext('yes')).toThrow(/livemode/);
  });
});
