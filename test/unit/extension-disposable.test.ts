// Owners and what they own: a closed panel leaves its owner's list (no leak for the extension's lifetime).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Disposable } from '../../src/extension/disposable';

class Owner extends Disposable {
  own<T extends { dispose(): void }>(item: T): T {
    return this.register(item);
  }
  disown(item: { dispose(): void }): void {
    this.release(item);
  }
  get count(): number {
    return (this as unknown as { owned: unknown[] }).owned.length;
  }
}

test('an owned object that disposes itself is released by its owner, and not disposed again with it', () => {
  const owner = new Owner();
  let disposals = 0;
  const panel = { dispose: () => (disposals++, owner.disown(panel)) };
  owner.own(panel);
  owner.own({ dispose: () => undefined });
  assert.equal(owner.count, 2);
  panel.dispose();
  assert.equal(owner.count, 1, 'the closed panel is no longer held');
  owner.dispose();
  assert.equal(disposals, 1, 'disposed once, when it closed');
});
