// src/server/memory.ts: the full collection it runs after closes and edit bursts is available in a
// process started without --expose-gc (as the language server is), and frees what it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collector } from '../../src/server/memory';

test('a full collection is available without --expose-gc and collects unreachable objects', async () => {
  const gc = collector();
  assert.equal(typeof gc, 'function');
  const ref = new WeakRef({ big: new Float64Array(1 << 20) });
  // A WeakRef's target lives until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc!();
  assert.equal(ref.deref(), undefined, 'the dropped object is gone after one collection');
  assert.equal(collector(), gc, 'made once');
});
