/**
 * The learning jobs' contract, in a module of its own: what a job is given (`LearningJob`, one
 * variant per kind), what it returns (`JobOutputs`, by kind), the progress it reports and the
 * context it runs in. The pipeline implements the jobs, the runner ships them to the training worker,
 * the services and both front ends (language server, CLI) only speak these types.
 */
import type { AdjustMethod } from '../../core/learn/adjust';
import type { CancellationFlag } from '../../core/cancellation';
import type { Evaluation } from '../../core/learn/evaluate';
import type { TrainProgress } from '../../core/learn/train';
import type { TextPair } from '../../core/learn/types';
import type { LearningReport } from '../../shared/protocol';
import type { FineTuneOptions } from './options';
import type { Decision } from '../../core/decisions';

/** Peak learning rate when the job names none: the char-n-gram table's, and the adapter's (dense W). */
export const DEFAULT_LR = { charNgram: 0.01, adapter: 1e-3 } as const;

/**
 * A phase of a learning job: `message` is the English text (the CLI prints it); `phase` and
 * `args` let the language server show it in the editor's language (learn/handlers.ts).
 */
export type PhaseProgress =
  | { type: 'phase'; phase: 'load-base' | 'evaluate-held-out' | 'write-model' | 'write-vectors' | 'train-adapter'; message: string }
  | { type: 'phase'; phase: 'embed-terms'; message: string; done: number; total: number; model?: string }
  | { type: 'phase'; phase: 'adjust-terms'; message: string; total: number; method: string }
  | { type: 'phase'; phase: 'evaluate-pairs'; message: string; total: number };

export type JobProgress = TrainProgress | PhaseProgress;

/** The options' fields are `FineTuneOptions`' (options.ts); `validation` may be left to the job's default. */
export interface FineTuneJob extends Omit<FineTuneOptions, 'validation'> {
  kind: 'fineTune';
  /** The dictionary's text and its path (for the report and provenance). */
  text: string;
  dictionary: string;
  /** The decisions file's verdicts: its standing rejections join the pairs as label 0 (hard negatives). */
  decisions?: Decision[];
  baseDir: string;
  baseId: string;
  /** Folder to create and fill (must not exist). */
  stagingDir: string;
  /** The final folder's name: the new model's id. */
  modelName: string;
  /** Share of training groups held out to choose the epoch count (`epochs.ts`); default 0.1. */
  validation?: number;
}

export interface FineTuneOutput {
  report: LearningReport;
  markdown: string;
}

export interface AdjustJob {
  kind: 'adjust';
  text: string;
  method: AdjustMethod;
  /** Distinct terms of the dictionary and their vectors from the current model. */
  terms: string[];
  vectors: Float32Array[];
  stagingDir: string;
  /** Written to the folder's config.json so the loader finds the base again. */
  base: { spec: string; id: string; fingerprint: string; dimension: number };
}

export interface AdjustOutput {
  movedTerms: number;
  terms: number;
}

export interface EvaluateJob {
  kind: 'evaluate';
  /** Labelled pairs (negatives already sampled when needed). */
  pairs: TextPair[];
  terms: string[];
  vectors: Float32Array[];
  threshold: number;
}

export interface EvaluateOutput {
  evaluation: Evaluation;
  markdown: string;
  /** Every pair both of whose terms have a vector, with its cosine (histogram, PR/ROC curves). */
  scores: { a: string; b: string; label: 0 | 1; cosine: number }[];
}

export type LearningJob = FineTuneJob | AdjustJob | EvaluateJob;

/** What each kind of job resolves with. */
export interface JobOutputs {
  fineTune: FineTuneOutput;
  adjust: AdjustOutput;
  evaluate: EvaluateOutput;
}

/** The output of job `J`. */
export type JobOutput<J extends LearningJob> = JobOutputs[J['kind']];

export interface JobContext {
  token: CancellationFlag;
  onProgress: (event: JobProgress) => void;
  /**
   * Runs `fn` with the worker marked as not terminable. Terminating a worker thread while an
   * onnxruntime call (session creation, `run`) is in flight aborts the whole process, so a job
   * wraps the life of its onnxruntime session in this; cancellation then relies on the job's own
   * checks (between embedding batches and training steps). Default: just runs `fn`.
   */
  holdTermination?: <T>(fn: () => Promise<T>) => Promise<T>;
}

