/**
 * Test tooling: small but real `tokenizer.json` files in the Hugging Face format — a BERT-style
 * WordPiece tokenizer and an XLM-R-style Unigram (SentencePiece) tokenizer — plus the real
 * bert-base-chinese tokenizer vendored in test/fixtures/data (sources and licences in its README).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = __dirname;
/** Real third-party data vendored with the tests (test/fixtures/data/README.md). */
export const fixtureData = path.resolve(here, '../fixtures/data');
export const bertBaseChineseDir = path.join(fixtureData, 'tokenizers/bert-base-chinese');

export const WORDPIECE_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

function added(tokens: readonly string[], ids: readonly number[]) {
  return tokens.map((content, i) => ({ id: ids[i]!, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
}

/**
 * A WordPiece tokenizer.json: ids 0–4 are [PAD] [UNK] [CLS] [SEP] [MASK], then `tokens` in order
 * (`##x` for continuations). Lower-cases like bert-base-uncased when `lowercase`.
 */
export function wordPieceTokenizer(tokens: readonly string[], options: { lowercase?: boolean } = {}) {
  const vocab: Record<string, number> = {};
  [...WORDPIECE_SPECIALS, ...tokens].forEach((t) => {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added(WORDPIECE_SPECIALS, [0, 1, 2, 3, 4]),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: options.lowercase ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

export const UNIGRAM_SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;

/**
 * An XLM-R-style Unigram tokenizer.json: ids 0–3 are <s> <pad> </s> <unk> (pad = 1, as XLM-R),
 * then `pieces` with their log-probabilities; Metaspace pre-tokenisation (`▁` word prefix) and
 * RobertaProcessing-like `<s> A </s>` template.
 */
export function unigramTokenizer(pieces: readonly (readonly [string, number])[]) {
  const vocab: [string, number][] = [...UNIGRAM_SPECIALS.map((t) => [t, 0] as [string, number]), ...pieces.map(([p, s]) => [p, s] as [string, number])];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added(UNIGRAM_SPECIALS, [0, 1, 2, 3]),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: false },
  };
}

/** An XLM-R tokenizer_config.json as transformers writes it. */
export const xlmrTokenizerConfig = {
  bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>', mask_token: '<mask>',
  model_max_length: 512, tokenizer_class: 'XLMRobertaTokenizer',
};

/** Distinct terms of test/fixtures/data/zh-synonyms-dev.csv in file order (term, then synonym column). */
export function devTerms(): string[] {
  const lines = readFileSync(path.join(fixtureData, 'zh-synonyms-dev.csv'), 'utf8').split(/\r?\n/).slice(1);
  const seen = new Set<string>();
  for (const line of lines) {
    const [a, b] = line.split(',');
    for (const t of [a, b]) if (t && t.trim()) seen.add(t.trim());
  }
  return [...seen];
}

/** A small WordPiece vocabulary: the characters of `terms` plus a few Latin words and pieces. */
export function smallWordPieceVocab(terms: readonly string[], limit: number): string[] {
  const chars = new Set<string>();
  for (const t of terms) for (const c of t) if (chars.size < limit) chars.add(c);
  return ['suv', 'car', '##s', '##v', 'su', 'the', 'query', ':', ...chars];
}

/** A small Unigram vocabulary: `▁`, characters of `terms` and a few two-character pieces. */
export function smallUnigramPieces(terms: readonly string[], limit: number): [string, number][] {
  const pieces = new Map<string, number>([['▁', -2], ['▁suv', -5], ['s', -6], ['u', -6], ['v', -6], ['▁query', -5], [':', -4]]);
  for (const t of terms) {
    for (const c of t) if (pieces.size < limit && !pieces.has(c)) pieces.set(c, -8 - (pieces.size % 7) * 0.1);
    if (t.length >= 2 && pieces.size < limit && !pieces.has('▁' + t.slice(0, 2))) pieces.set('▁' + t.slice(0, 2), -7);
  }
  return [...pieces];
}
