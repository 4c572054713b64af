import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GroupCommit } from './group-commit.js';

/**
 * GroupCommit without a database: which writes go together, when a batch waits for company
 * (`lingerMs`, on a mocked clock: no timed assertions), and that a bad write fails alone.
 */
describe('group commit', () => {
  let batches: number[][];
  const write = async (items: number[]) => {
    batches.push(items);
    if (items.includes(-1)) throw new Error('bad item');
    return items.map((i) => i * 10);
  };
  beforeEach(() => {
    batches = [];
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  test('the writes of one turn of the event loop go as one batch, at once', async () => {
    const g = new GroupCommit(write);
    assert.deepEqual(await Promise.all([g.submit(1), g.submit(2), g.submit(3)]), [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  test('while writes come concurrently, a batch lingers for company; a lone caller never waits', async () => {
    const g = new GroupCommit(write, { lingerMs: 5 });
    // No batch yet: the first goes at once.
    await g.submit(1);
    // A lone caller's batches hold one write: the next goes at once too.
    await g.submit(2);
    assert.deepEqual(batches, [[1], [2]]);

    // Two at once: a batch of two, and from now on writes come concurrently.
    await Promise.all([g.submit(3), g.submit(4)]);
    const lingering = g.submit(5);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(batches.at(-1), [3, 4], 'the next batch waits');
    const joined = g.submit(6);
    mock.timers.tick(5);
    assert.deepEqual(await Promise.all([lingering, joined]), [50, 60]);
    assert.deepEqual(batches.at(-1), [5, 6], 'what came meanwhile went with it');

    // That batch held two as well, so the next one waits again; alone, it then goes alone.
    const alone = g.submit(7);
    mock.timers.tick(5);
    assert.equal(await alone, 70);
    assert.deepEqual(batches.at(-1), [7]);
    await g.submit(8);
    assert.deepEqual(batches.at(-1), [8], 'after a batch of one, no waiting');
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
