// Shared by the reference and transport tests: the one assertion they all make about failures.
import { strict as assert } from 'node:assert';
import { InvalidReferenceError } from '../../src/core/errors';

/** Asserts `fn` throws an InvalidReferenceError whose message is exactly `message` (or matches it). */
export function assertInvalid(fn: () => unknown, message: string | RegExp, label?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidReferenceError, `${label ?? ''}: expected InvalidReferenceError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message, label);
    else assert.match(err.message, message, label);
    return true;
  });
}
