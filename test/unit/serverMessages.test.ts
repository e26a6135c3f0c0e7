// The language server's messages (src/server/messages.ts) say in English exactly what core says
// (the CLI prints core's texts, the editor the server's), and in Chinese once a bundle is loaded.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatMessage, parseDictionary, PROBLEM_MESSAGES, type ProblemMessageId } from '../../src/core/csv';
import { parseAnyDictionary } from '../../src/core/formats/dictionary';
import { findPairIssues } from '../../src/core/dictionary';
import { pairFlagMessage } from '../../src/core/scoring';
import { configureL10n, flagMessage, issueMessage, modelErrorMessage, modelErrorTexts, problemMessage, problemTexts } from '../../src/server/messages';
import { errorText, formatModelError, MODEL_ERROR_MESSAGES, type ModelErrorMessageId } from '../../src/runtime/model/errorMessages';
import { DownloadError, selectFiles } from '../../src/runtime/model/hub/download';
import { HttpError } from '../../src/runtime/model/hub/http';
import { loadEngine } from '../../src/runtime/model/load';
import { ModelLoadError, TransformerEngine } from '../../src/runtime/model/transformer';
import { makeModel, tempRoot } from '../helpers/fixtures';

const bundleZh = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
const tmp = tempRoot('synonym-lens-messages-');
after(() => {
  configureL10n(undefined);
  tmp.cleanup();
});

test("each parser message of the server is, in English, core's template", () => {
  configureL10n(undefined);
  const ids = Object.keys(PROBLEM_MESSAGES) as ProblemMessageId[];
  assert.deepEqual(Object.keys(problemTexts).sort(), [...ids].sort());
  for (const id of ids) {
    const args = ['⟨0⟩', '⟨1⟩', '⟨2⟩'];
    assert.equal(problemTexts[id](...args), formatMessage(PROBLEM_MESSAGES[id], args), id);
  }
});

// Every problem kind, every pair issue, both flags.
const TEXT = [
  'term,synonym,label',
  'a,b,1',
  'lonely',
  ',d,1',
  'e,f,yes',
  'g,h,',
  'i,j',
  'k,l,1,extra',
  'm,"n"x,1',
  'o,p"q,1',
  'b,a,1',
  'a,b,1',
  'a,b,0',
  's,s,1',
  'v,,1',
  'nul\0,t,1',
  'u,"never closed',
].join('\n');

const SOLR = 'a => b => c\nx, , y\nz, w\\\nalone\n  # not a comment, q\n';
const ES = [
  '{"synonyms_set": [',
  '{"synonyms_set": 1}',
  '{"synonyms_set": [{"id": "x"}]}',
  JSON.stringify({ synonyms_set: Array.from({ length: 10_001 }, (_, i) => ({ synonyms: `a${i}, b${i}` })) }),
];

test('problems, pair issues and flags read the same in English as core writes them (the CLI\'s texts)', () => {
  configureL10n(undefined);
  const dict = parseDictionary(TEXT);
  // The search engines' formats: a Solr file and ES synonyms sets with every problem they have.
  const solr = parseAnyDictionary(SOLR, 'solr').dict.problems;
  const es = ES.flatMap((text) => parseAnyDictionary(text, 'es').dict.problems);
  const ids = new Set([...dict.problems, ...solr, ...es].map((p) => p.messageId));
  for (const id of Object.keys(PROBLEM_MESSAGES)) if (id !== 'emptyBetweenSynonyms' && id !== 'singleCell') assert.ok(ids.has(id as ProblemMessageId), `fixture lacks ${id}`);
  for (const p of [...dict.problems, ...solr, ...es]) assert.equal(problemMessage(p), p.message);
  const issues = findPairIssues(dict);
  assert.deepEqual(new Set(issues.map((i) => i.kind)), new Set(['duplicate', 'reversed-duplicate', 'self-pair', 'conflicting-label']));
  for (const i of issues) assert.equal(issueMessage(i), i.message);
  const t = { threshold: 0.5, negativeThreshold: 0.3 };
  const pair = dict.pairs[0]!;
  assert.equal(flagMessage(pair, 0.1, 'low-similarity', t), pairFlagMessage({ pair, cosine: 0.1, flag: 'low-similarity' }, t));
  assert.equal(flagMessage(pair, 0.9, 'negative-too-similar', t), pairFlagMessage({ pair, cosine: 0.9, flag: 'negative-too-similar' }, t));
  // Without a header, a single cell and an empty cell between synonyms.
  for (const p of parseDictionary('x\ny,,z\n').problems) assert.equal(problemMessage(p), p.message);
});

test('with the zh-cn bundle the same messages are Chinese, with the same values', () => {
  assert.equal(configureL10n(bundleZh), true);
  const dict = parseDictionary(TEXT);
  const label = dict.problems.find((p) => p.messageId === 'invalidLabel')!;
  assert.equal(problemMessage(label), '第 5 行第 3 列：标签为“yes”；应为 1（同义词）或 0（非同义词）。');
  const dup = findPairIssues(dict).find((i) => i.kind === 'duplicate')!;
  assert.equal(issueMessage(dup), '第 12 行："a" ~ "b" 与第 2 行重复。');
  assert.equal(flagMessage(dict.pairs[0]!, 0.1, 'low-similarity', { threshold: 0.5, negativeThreshold: 0.5 }), 'a ~ b：余弦相似度 0.10 < 0.50 — 模型不认为它们是同义词');
  configureL10n(undefined);
  assert.equal(problemMessage(label), label.message);
});

test("each model loading and download error of the server is, in English, the error's own template", () => {
  configureL10n(undefined);
  const ids = Object.keys(MODEL_ERROR_MESSAGES) as ModelErrorMessageId[];
  assert.deepEqual(Object.keys(modelErrorTexts).sort(), [...ids].sort());
  const args = ['⟨0⟩', '⟨1⟩', '⟨2⟩', '⟨3⟩', '⟨4⟩'];
  for (const id of ids) {
    const english = formatModelError(errorText(id, ...args));
    assert.equal(modelErrorTexts[id](...args), english, id);
    assert.doesNotMatch(english, /\{\d+\}/, `${id} has a placeholder beyond {4}`);
  }
});

/** Real failures of model loading and downloads, nested causes included. */
let runs = 0;
async function modelErrors(): Promise<Error[]> {
  const errors: Error[] = [];
  const dir = path.join(tmp.root, `run${runs++}`);
  mkdirSync(dir);
  const catching = async (p: Promise<unknown> | (() => unknown)) => {
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      errors.push(e as Error);
      return;
    }
    assert.fail('expected a failure');
  };
  const file = path.join(dir, 'a-file');
  writeFileSync(file, 'x');
  const bert = path.join(dir, 'bert-config-only');
  mkdirSync(bert);
  writeFileSync(path.join(bert, 'config.json'), '{"model_type": "bert"}');
  await catching(loadEngine('/nonexistent/model-folder'));
  await catching(loadEngine(file));
  await catching(loadEngine(bert));
  // onnxruntime's own text stays inside the message, as an argument.
  const m = makeModel(path.join(dir, 'mismatch'), { arch: 'bert', vocabRows: 50 });
  await catching(TransformerEngine.load(m.dir));
  await catching(TransformerEngine.load(m.dir, { variant: 'quantized' }));
  await catching(() => selectFiles([], 'fp32'));
  await catching(() => selectFiles([{ path: 'onnx/model.onnx' }], 'fp16'));
  await catching(() => selectFiles([{ path: 'onnx/model.onnx' }], 'fp32'));
  errors.push(new DownloadError('offline', 'offline', 'https://hub.example', new HttpError('proxy', errorText('invalidProxy', 'http://[bad'))));
  errors.push(new DownloadError('stalled', 'failedAfterAttempts', 'onnx/model.onnx', errorText('truncated', 5, 10), 4));
  errors.push(new DownloadError('not-found', 'notFound', errorText('listing', 'acme/tiny', 'main', 'https://hub.example'), 'acme/tiny'));
  return errors;
}

test("model loading and download errors read the same in English as their message (the CLI's text)", async () => {
  configureL10n(undefined);
  const errors = await modelErrors();
  const ids = errors.map((e) => (e as ModelLoadError).messageId);
  for (const id of ['folderNotFound', 'notACharNgramFolder', 'transformerNoTokenizer', 'vocabMismatchDeclared', 'noOnnxVariant', 'noOnnxInRepo', 'noVariant', 'repoLacksFiles'] as const) {
    assert.ok(ids.includes(id), `no ${id} among ${ids.join(', ')}`);
  }
  for (const e of errors) assert.equal(modelErrorMessage(e), e.message, (e as ModelLoadError).messageId);
  assert.equal(errors[0]!.message, 'Model folder not found: /nonexistent/model-folder');
  assert.equal(modelErrorMessage(new Error('the CUDA execution provider is not installed')), 'the CUDA execution provider is not installed');
});

test('with the zh-cn bundle model errors are Chinese, nested causes too, and onnxruntime\'s text stays', async () => {
  const errors = await modelErrors();
  assert.equal(configureL10n(bundleZh), true);
  const byId = (id: string) => errors.find((e) => (e as ModelLoadError).messageId === id)!;
  assert.equal(modelErrorMessage(byId('folderNotFound')), '找不到模型文件夹：/nonexistent/model-folder');
  const vocab = byId('vocabMismatchDeclared') as ModelLoadError;
  const ort = String(vocab.args.at(-1));
  assert.ok(ort.length > 0 && vocab.message.endsWith(`(onnxruntime: ${ort})`));
  assert.match(modelErrorMessage(vocab), /^分词器与模型不匹配：它产生的 ID 最大为 \d+，超出了模型的嵌入表（config\.json 中 vocab_size 为 \d+）。tokenizer\.json 是否来自另一个模型？/);
  assert.ok(modelErrorMessage(vocab).endsWith(`（onnxruntime：${ort}）`), modelErrorMessage(vocab));
  assert.equal(modelErrorMessage(byId('repoLacksFiles')), '该仓库缺少引擎所需的 tokenizer.json 和 config.json。');
  assert.equal(modelErrorMessage(byId('failedAfterAttempts')), 'onnx/model.onnx：数据不完整：只收到 10 字节中的 5 字节（已尝试 4 次）');
  assert.equal(modelErrorMessage(byId('offline')).split('。')[0], '无法连接 https://hub.example（环境变量中的代理 URL 无效：http://[bad）');
  assert.equal(modelErrorMessage(byId('notFound')), '在 https://hub.example 列出 acme/tiny@main 的文件：未找到（HTTP 404）。请检查仓库 ID“acme/tiny”、修订版本和文件名。');
  // The errors themselves stay English: the CLI prints `message`.
  assert.equal(byId('folderNotFound').message, 'Model folder not found: /nonexistent/model-folder');
  configureL10n(undefined);
  assert.equal(modelErrorMessage(vocab), vocab.message);
});
