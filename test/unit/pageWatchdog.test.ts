// The webview page watchdog: a page that never says `ready` (its script refused by the webview's
// service worker) is loaded again, a bounded number of times; a page that says it is never touched.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_READY_TIMEOUT_MS, watchPageReady } from '../../src/client/webviews/pageWatchdog';

describe('watchPageReady', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('waits past the service worker\'s 30 s resource timeout before the first reload', () => {
    assert.ok(PAGE_READY_TIMEOUT_MS > 30_000);
    let reloads = 0;
    const w = watchPageReady({ reload: () => reloads++ });
    mock.timers.tick(30_000);
    assert.equal(reloads, 0);
    mock.timers.tick(PAGE_READY_TIMEOUT_MS - 30_000);
    assert.equal(reloads, 1);
    w.dispose();
  });

  test('a page that says ready in time is never reloaded', () => {
    let reloads = 0;
    const w = watchPageReady({ reload: () => reloads++, timeoutMs: 1000 });
    mock.timers.tick(999);
    w.ready();
    mock.timers.tick(10_000);
    assert.equal(reloads, 0);
  });

  test('reloads a silent page at most `reloads` times, each after its own timeout, then gives up', () => {
    const events: string[] = [];
    watchPageReady({ reload: () => events.push('reload'), gaveUp: () => events.push('gave up'), timeoutMs: 1000, reloads: 2 });
    mock.timers.tick(1000);
    assert.deepEqual(events, ['reload']);
    mock.timers.tick(999);
    assert.deepEqual(events, ['reload']);
    mock.timers.tick(1);
    assert.deepEqual(events, ['reload', 'reload']);
    mock.timers.tick(1000);
    assert.deepEqual(events, ['reload', 'reload', 'gave up']);
    mock.timers.tick(60_000);
    assert.equal(events.length, 3);
  });

  test('ready after a reload stops the watch (the reloaded page loaded)', () => {
    let reloads = 0;
    const w = watchPageReady({ reload: () => reloads++, timeoutMs: 1000, reloads: 5 });
    mock.timers.tick(1000);
    w.ready();
    mock.timers.tick(10_000);
    assert.equal(reloads, 1);
  });

  test('disposed with its panel, it reloads nothing', () => {
    let reloads = 0;
    const w = watchPageReady({ reload: () => reloads++, timeoutMs: 1000 });
    w.dispose();
    mock.timers.tick(10_000);
    assert.equal(reloads, 0);
  });
});
