import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Commands } from '../../src/shared/commands';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
};
const ids = Object.values(Commands).sort();

test('package.json contributes exactly the commands of the table', () => {
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), ids);
});

test('every menu item names a command of the table', () => {
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok((ids as string[]).includes(item.command), `${menu}: ${item.command}`);
  }
});

test('every command of the table has an onCommand activation event, and no other command has one', () => {
  const activating = manifest.activationEvents.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)).sort();
  assert.deepEqual(activating, ids);
});

test('every command runs in some end-to-end suite', () => {
  const dir = join(root, 'test', 'e2e', 'suite');
  const suites = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  for (const id of ids) {
    assert.ok(suites.includes(`executeCommand('${id}'`), `no e2e suite runs ${id} (vscode.commands.executeCommand('${id}', …))`);
  }
});
