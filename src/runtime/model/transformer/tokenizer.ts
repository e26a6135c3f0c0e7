/**
 * Tokenisation for transformer engines: `@huggingface/tokenizers` (WordPiece, Unigram, BPE from a
 * Hugging Face `tokenizer.json`) plus what that library leaves to its callers — truncation to the
 * model's length with the special tokens kept, the pad/unknown ids, and unknown-token counts.
 *
 * Special tokens come from, in order: `tokenizer_config.json`, the tokenizer model itself
 * (`unk_token`, `unk_id`, the post-processor's template, `padding.pad_id`), config.json's
 * `pad_token_id`, then the BERT / XLM-R defaults ([PAD] [UNK] …, <pad> <unk> …). Real folders lack
 * fields (bert-base-chinese's tokenizer_config.json has only `do_lower_case`), and transformers.js
 * fails on padded batches there; this loader does not.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelLoadError } from './errors';

/** One text as model input (specials included) plus what the diagnostics need. */
export interface EncodedText {
  readonly ids: readonly number[];
  /** Segment ids (all 0 for a single text), same length as `ids`. */
  readonly typeIds: readonly number[];
  /** Content tokens before truncation (specials excluded). */
  readonly units: number;
  /** Content tokens that are the unknown token. */
  readonly unknownUnits: number;
  readonly truncated: boolean;
}

type Json = Record<string, unknown>;

/** A token given as a string or as an AddedToken object `{ content }`. */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string') return (value as Json).content as string;
  return undefined;
}

const SENTINEL = '\u0000synonym-lens-sequence\u0000';

export class TermTokenizer {
  readonly padId: number;
  readonly unkId: number | undefined;
  /** Largest id the tokenizer can produce (vocabulary and added tokens). */
  readonly maxId: number;
  readonly vocabSize: number;
  /** Special ids before and after the content, from the post-processor template. */
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];
  private readonly prefixTypes: number[];
  private readonly suffixTypes: number[];
  private readonly contentType: number;

  /**
   * @param maxLength maximum ids per text including specials; content is truncated to fit.
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    tokenizerJson: Json,
    tokenizerConfig: Json,
    modelConfig: Json,
    readonly maxLength: number,
  ) {
    const vocab = tokenizer.get_vocab(true);
    this.vocabSize = vocab.size;
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.maxId = maxId;
    const idOf = (t: string | undefined) => (t === undefined ? undefined : tokenizer.token_to_id(t));
    const model = (tokenizerJson.model ?? {}) as Json;

    this.unkId =
      idOf(tokenString(tokenizerConfig.unk_token)) ??
      idOf(tokenString(model.unk_token)) ??
      (typeof model.unk_id === 'number' ? model.unk_id : undefined) ??
      idOf('[UNK]') ??
      idOf('<unk>');

    const padding = tokenizerJson.padding as Json | null | undefined;
    this.padId =
      idOf(tokenString(tokenizerConfig.pad_token)) ??
      (padding && typeof padding.pad_id === 'number' ? padding.pad_id : undefined) ??
      idOf('[PAD]') ??
      idOf('<pad>') ??
      (typeof modelConfig.pad_token_id === 'number' ? modelConfig.pad_token_id : undefined) ??
      0;

    // The template's specials around one sequence: post-process a sentinel token and look where it lands.
    const post = tokenizer.post_processor;
    if (post) {
      const { tokens, token_type_ids } = post.post_process([SENTINEL], null, { add_special_tokens: true }) as { tokens: string[]; token_type_ids?: number[] };
      const at = tokens.indexOf(SENTINEL);
      if (at < 0) throw new ModelLoadError('bad-tokenizer', 'tokenizerDropsText');
      const ids = tokens.map((t, i) => (i === at ? -1 : idOf(t)));
      if (ids.some((id) => id === undefined)) throw new ModelLoadError('bad-tokenizer', 'tokenizerSpecialNotInVocab', tokens.filter((t, i) => i !== at && idOf(t) === undefined).join(', '));
      const types = token_type_ids ?? tokens.map(() => 0);
      this.prefixIds = ids.slice(0, at) as number[];
      this.suffixIds = ids.slice(at + 1) as number[];
      this.prefixTypes = types.slice(0, at);
      this.suffixTypes = types.slice(at + 1);
      this.contentType = types[at] ?? 0;
    } else {
      this.prefixIds = [];
      this.suffixIds = [];
      this.prefixTypes = [];
      this.suffixTypes = [];
      this.contentType = 0;
    }
    if (this.maxLength <= this.prefixIds.length + this.suffixIds.length)
      throw new ModelLoadError('bad-tokenizer', 'tokenizerNoRoom', this.maxLength);
  }

  /** Parses tokenizer.json (+ tokenizer_config.json and config.json, possibly `{}`). */
  static fromJson(tokenizerJson: Json, tokenizerConfig: Json, modelConfig: Json, maxLength: number): TermTokenizer {
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new ModelLoadError('bad-tokenizer', 'tokenizerUnsupported', (err as Error).message);
    }
    return new TermTokenizer(tokenizer, tokenizerJson, tokenizerConfig, modelConfig, maxLength);
  }

  /** Ids of the tokens the template puts around a text (e.g. 2 for [CLS] … [SEP]). */
  get specialCount(): number {
    return this.prefixIds.length + this.suffixIds.length;
  }

  /** Content token strings of `text` without specials (for `model info` and tests). */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text, { add_special_tokens: false });
  }

  encode(text: string): EncodedText {
    const content = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const room = this.maxLength - this.specialCount;
    const kept = content.length > room ? content.slice(0, room) : content;
    let unknownUnits = 0;
    if (this.unkId !== undefined) for (const id of content) if (id === this.unkId) unknownUnits++;
    return {
      ids: [...this.prefixIds, ...kept, ...this.suffixIds],
      typeIds: [...this.prefixTypes, ...kept.map(() => this.contentType), ...this.suffixTypes],
      units: content.length,
      unknownUnits,
      truncated: kept.length < content.length,
    };
  }
}
