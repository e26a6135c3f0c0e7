/**
 * docs/protocol.md keeps up with src/shared/protocol.ts: every `synonymLens/…` method the protocol
 * declares is documented, and every member of an exported `*Params` / `*Result` interface is named
 * in the page (as a word). The TypeScript source is parsed with the compiler API, so a renamed or
 * added member fails here until the page says it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const protocolPath = path.join(root, 'src/shared/protocol.ts');
const docPath = path.join(root, 'docs/protocol.md');

interface Contract {
  methods: string[];
  members: { type: string; member: string }[];
}

function readContract(): Contract {
  const source = ts.createSourceFile(protocolPath, readFileSync(protocolPath, 'utf8'), ts.ScriptTarget.ES2022, true);
  const methods: string[] = [];
  const members: Contract['members'] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) && /^synonymLens\/\w+$/.test(node.text)) methods.push(node.text);
    if (ts.isInterfaceDeclaration(node) && /(Params|Result)$/.test(node.name.text)) {
      for (const m of node.members) {
        if (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) members.push({ type: node.name.text, member: m.name.text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { methods: [...new Set(methods)], members };
}

test('the protocol source declares methods and Params/Result members (the parse finds them)', () => {
  const { methods, members } = readContract();
  assert.ok(methods.includes('synonymLens/fineTune'), methods.join(', '));
  assert.ok(members.some((m) => m.type === 'FineTuneParams' && m.member === 'validation'));
  assert.ok(members.length > 40, `only ${members.length} members found`);
});

test('every synonymLens/ method and every *Params/*Result member is in docs/protocol.md', () => {
  const doc = readFileSync(docPath, 'utf8');
  const { methods, members } = readContract();
  const missing: string[] = [];
  for (const m of methods) if (!doc.includes('`' + m + '`')) missing.push(`method ${m}`);
  for (const { type, member } of members) {
    if (!new RegExp(`\\b${member}\\b`).test(doc)) missing.push(`${type}.${member}`);
  }
  assert.deepEqual(missing, [], 'document these in docs/protocol.md');
});
