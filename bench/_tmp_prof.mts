import { readFileSync } from 'node:fs';
import { parseLexiconVocabulary } from '../src/core/builtin/lexicon.ts';
import { parseCharNgramConfig } from '../src/core/builtin/featurizer.ts';
import { OnnxSession } from '../src/runtime/model/onnxAdapter.ts';
import { builtinFileFingerprint } from '../src/runtime/model/builtinEngine.ts';
for (let rep = 0; rep < 4; rep++) {
  const dir = 'models/builtin'; const t = [performance.now()];
  const config = parseCharNgramConfig(JSON.parse(readFileSync(dir + '/config.json', 'utf8')).featurizer);
  const text = readFileSync(dir + '/lexicon.txt', 'utf8'); t.push(performance.now());
  parseLexiconVocabulary(text, config.lexicon!.rows); t.push(performance.now());
  const s = await OnnxSession.create(dir + '/model.onnx', { threads: 1 }); t.push(performance.now());
  await builtinFileFingerprint(dir + '/model.onnx', config); t.push(performance.now());
  await s.dispose();
  console.log('readlex', (t[1]! - t[0]!).toFixed(0), 'parse', (t[2]! - t[1]!).toFixed(0), 'session', (t[3]! - t[2]!).toFixed(0), 'hash', (t[4]! - t[3]!).toFixed(0));
}
