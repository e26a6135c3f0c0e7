/**
 * A second process for the vector store's two-writer test: prints `ready`, waits for a line on
 * stdin, then appends `count` vectors (texts `<prefix>-<i>`, vectors from `vectorOf`) in batches.
 * Usage: node --import tsx diskVectorStoreWriter.ts <root> <fingerprint> <dimension> <prefix> <count> <batch> <maxBytes>
 */
import { DiskVectorStore } from '../../src/runtime/model/diskVectorStore';
import { vectorOf } from './diskVectorStoreData';

const [root, fingerprint, dimension, prefix, count, batch, maxBytes] = process.argv.slice(2);
const dim = Number(dimension);
const store = DiskVectorStore.open(root!, fingerprint!, dim, { maxBytes: Number(maxBytes), log: (m) => process.stderr.write(m + '\n') });
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
