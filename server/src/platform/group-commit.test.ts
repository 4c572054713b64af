import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit.js';

/** GroupCommit without a database: which writes go together, and that a bad write fails alone. */
describe('group commit', () => {
  let batches: number[][];
  const write = async (items: number[]) => {
    batches.push(items);
    if (items.includes(-1)) throw new Error('bad item');
    return items.map((i) => i * 10);
  };
  beforeEach(() => {
    batches = [];
  });

  test('the writes of one turn of the event loop go as one batch, at once', async () => {
    const g = new GroupCommit(write);
    assert.deepEqual(await Promise.all([g.submit(1), g.submit(2), g.submit(3)]), [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  test('writes that come while a batch is being written go together in the next one', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const g = new GroupCommit(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await held;
      return items.map((i) => i * 10);
    });
    const first = g.submit(1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [[1]], 'an idle group commit writes at once');
    const later = [g.submit(2), g.submit(3)];
    await new Promise((r) => setImmediate(r));
    const last = g.submit(4);
    assert.deepEqual(batches, [[1]], 'nothing else is written while the batch is');
    release();
    assert.deepEqual(await Promise.all([first, ...later, last]), [10, 20, 30, 40]);
    assert.deepEqual(batches, [[1], [2, 3, 4]]);
  });

  test('when a batch fails, each of its writes is tried alone: only the bad one fails', async () => {
    const g = new GroupCommit(write);
    const results = await Promise.allSettled([g.submit(1), g.submit(-1), g.submit(3)]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [10, 'bad item', 30],
    );
    assert.deepEqual(batches, [[1, -1, 3], [1], [-1], [3]]);
  });
});
