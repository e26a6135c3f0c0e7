/**
 * Closing a dictionary takes its terms out of the vocabulary the status counts, and reopening it
 * counts them again (each change announced once: the status is not repeated when nothing changed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDir, fixtureUri, has, startServer } from './client';

test('close announces the smaller vocabulary; a reopen announces the full one again', async () => {
  const s = await startServer();
  try {
    const uri = fixtureUri('cars.synonyms.csv');
    const text = readFileSync(path.join(fixturesDir, 'cars.synonyms.csv'), 'utf8');
    s.open(uri, text);
    await s.waitDiagnostics(uri, has('low-similarity'), { what: 'the model diagnostics' });
    const open = await s.waitStatus((x) => x.state === 'ready' && x.vocabularySize > 0, { what: 'the status counting the open file' });
    const closedAt = s.statuses.events.length;
    s.close(uri);
    const closed = await s.waitStatus((x) => x.vocabularySize < open.vocabularySize, { after: closedAt, what: 'the status after the close' });
    assert.equal(closed.vocabularySize, 0, 'nothing open, nothing counted');
    const reopenedAt = s.statuses.events.length;
    s.open(uri, text);
    const again = await s.waitStatus((x) => x.vocabularySize === open.vocabularySize, { after: reopenedAt, what: 'the status after the reopen' });
    assert.equal(again.state, 'ready');
  } finally {
    await s.stop();
  }
});
