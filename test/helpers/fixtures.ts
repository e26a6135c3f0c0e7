/**
 * Ready-made test model folders: small BERT (WordPiece) and XLM-R (Unigram) encoders with random
 * weights, in a temporary folder removed by `cleanup()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { randomWeights, writeModelFolder, type Architecture, type EncoderWeights, type WriteFolderOptions } from './encoderModel';
import { devTerms, smallUnigramPieces, smallWordPieceVocab, unigramTokenizer, wordPieceTokenizer, xlmrTokenizerConfig } from './tokenizers';

export interface TestModel {
  readonly dir: string;
  readonly weights: EncoderWeights;
  readonly tokenizerJson: ReturnType<typeof wordPieceTokenizer> | ReturnType<typeof unigramTokenizer>;
  /** Token ids with specials, by the tokenizer library directly (independent of the engine's wrapper). */
  ids(text: string): number[];
}

export const TERMS = devTerms();

export function tempRoot(prefix = 'synonym-lens-tf-'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface MakeModelOptions extends Partial<Omit<WriteFolderOptions, 'tokenizer'>> {
  readonly arch: Architecture;
  readonly seed?: number;
  /** Embedding rows; default the tokenizer's vocabulary size (fewer rows → vocab mismatch). */
  readonly vocabRows?: number;
  readonly hidden?: number;
  readonly layers?: number;
  readonly maxPositions?: number;
  /** BERT only: terms whose characters the WordPiece vocabulary must cover (default `TERMS`, first 300 characters). */
  readonly vocabTerms?: readonly string[];
}

/** Writes a small encoder folder to `dir`. */
export function makeModel(dir: string, o: MakeModelOptions): TestModel {
  const tokenizerJson = o.arch === 'bert' ? wordPieceTokenizer(smallWordPieceVocab(o.vocabTerms ?? TERMS, 300)) : unigramTokenizer(smallUnigramPieces(TERMS, 300));
  const vocabSize = o.arch === 'bert' ? Object.keys((tokenizerJson.model as { vocab: object }).vocab).length : (tokenizerJson.model as { vocab: unknown[] }).vocab.length;
  const hidden = o.hidden ?? 32;
  const weights = randomWeights(
    {
      arch: o.arch,
      vocab: o.vocabRows ?? vocabSize,
      hidden,
      heads: 4,
      layers: o.layers ?? 2,
      ffn: hidden * 2,
      maxPositions: o.maxPositions ?? (o.arch === 'bert' ? 64 : 66),
      typeVocab: o.arch === 'bert' ? 2 : 1,
      padId: o.arch === 'bert' ? 0 : 1,
      eps: o.arch === 'bert' ? 1e-12 : 1e-5,
    },
    o.seed ?? 7,
  );
  writeModelFolder(dir, weights, {
    ...o,
    tokenizer: tokenizerJson,
    tokenizerConfig: o.tokenizerConfig ?? (o.arch === 'xlmr' ? xlmrTokenizerConfig : { do_lower_case: true }),
  });
  const lib = new Tokenizer(tokenizerJson, {});
  return { dir, weights, tokenizerJson, ids: (text) => lib.encode(text).ids };
}
