import { expect } from 'vitest';
import { RulecordError } from '@rulecord/engine';

/** The RulecordError `promise` rejects with (the test fails when it resolves, or rejects with something else). */
export async function failure(promise: Promise<unknown>): Promise<RulecordError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RulecordError);
  return error as RulecordError;
}
