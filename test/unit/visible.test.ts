/** `visibleText`: control and bidi characters from user files become visible escapes everywhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleText } from '../../src/core/visible';

test('terminal escapes (CSI, OSC 8, BEL) and other C0/C1 controls become \\xNN', () => {
  assert.equal(visibleText('a\u001b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(visibleText('\u001b]8;;http://evil\u0007click\u001b]8;;\u0007'), '\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07');
  assert.equal(visibleText('\u0000\u007f\u0085\u009b'), '\\x00\\x7f\\x85\\x9b');
  assert.equal(visibleText('a\tb\nc\rd'), 'a\\tb\\nc\\rd');
});

test('bidi controls and line separators become \\uNNNN; ordinary text is returned as is', () => {
  assert.equal(visibleText('abc\u202Edef'), 'abc\\u202edef');
  for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u2029'])
    assert.equal(visibleText(c), `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const plain = '丰田 Toyota é ß 😀 \u00a0 \u200d';
  assert.equal(visibleText(plain), plain);
});

test('characters in `keep` stay (the layout of multi-line output)', () => {
  assert.equal(visibleText('a\tb\n\u001b[2J\n', '\n\t'), 'a\tb\n\\x1b[2J\n');
});
