/**
 * A second process for the vector store's two-writer test: prints `ready`, waits for a line on
 * stdin, then appends `count` vectors (texts `<prefix>-<i>`, vectors from `vectorOf`) in batches.
 * Usage: node --import tsx vectorStoreWriter.ts <root> <fingerprint> <dimension> <prefix> <count> <batch> <maxBytes>
 */
import { VectorStore } from '../../src/runtime/model/vectorStore';
import { vectorOf } from './vectorStoreData';

const [root, fingerprint, dimension, prefix, count, batch, maxBytes] = process.argv.slice(2);
const dim = Number(dimension);
const store = VectorStore.open(root!, fingerprint!, dim, { maxBytes: Number(maxBytes), log: (m) => process.stderr.write(m + '\n') });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  for (let i = 0; i < Number(count); i += Number(batch)) {
    const entries: [string, Float32Array][] = [];
    for (let k = i; k < Math.min(Number(count), i + Number(batch)); k++) entries.push([`${prefix}-${k}`, vectorOf(`${prefix}-${k}`, dim)]);
    store.putMany(entries);
  }
  process.stdout.write(JSON.stringify(store.stats()) + '\n');
  store.close();
  process.exit(0);
});
