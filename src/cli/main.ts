/**
 * The Synonym Lens command line: the same core and model engine as the language server, for CI
 * pipelines and servers. Exit codes: 0 nothing flagged, 1 something flagged, 2 usage or input error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';
import { runCheck } from './commands/check';
import { runSimilarity } from './commands/similarity';
import { runNeighbors } from './commands/neighbors';
import { runExport } from './commands/export';
import { runConvert } from './commands/convert';
import { runFineTune } from './commands/fineTune';
import { runAdjust } from './commands/adjust';
import { runEvaluateCommand } from './commands/evaluate';
import { runSuggestCommand } from './commands/suggest';
import { runExportTraining } from './commands/exportTraining';
import { runModel, MODEL_OPTIONS, MODEL_USAGE } from './commands/model';
import { writeHuman } from './output';

const USAGE = `Usage: synonym-lens <command> [options]

Commands:
Dictionaries are CSV (term,synonym[,label]), Solr synonym files (.txt) or Elasticsearch synonyms
sets (.json), told apart by file name or by --format csv|solr|es (--from for export and convert).

  check <file.csv>        score every pair of a dictionary and flag those the model disagrees with
      --model builtin|<dir>     embedding model (default: builtin)
      --threshold <x>           flag positive pairs with cosine below x (default 0.5)
      --negative-threshold <x>  flag label-0 pairs with cosine above x (default: --threshold)
      --json                    machine-readable output (see docs/cli.md)
      --exit-zero               exit 0 even when pairs are flagged
  similarity <a> <b>      print the cosine similarity of two terms   [--model] [--json]
  neighbors <term>        nearest terms of a vocabulary
      --vocab <file>            a dictionary CSV or a one-term-per-line file (required)
      --k <n>                   how many (default 10)   [--model] [--json]
  export <file.csv>       write the synonyms in a search engine's format
      --format <f>              solr (a, b, c groups; default), solr-explicit (b, c => a),
                                es-synonyms-api (body of PUT _synonyms/<set>)
      --set <name>              synonyms set name, for rule ids (default: synonyms)
      --out <file>              write atomically to a file instead of stdout
  convert <file>          the same pairs, directions kept, in another format
      --to csv|solr|es          target format (required); CSV one pair per row, label => one-way
      --from csv|solr|es        input format (default: by file name)
      --set <name>              synonyms set name, for rule ids (default: synonyms)
      --out <file>              write atomically to a file instead of stdout
  fine-tune <file.csv>    train a model on the dictionary; writes a new model folder
      --out <dir>               the new model folder (required; never overwritten)
      --model builtin|<dir>     base model (default: builtin); a char-n-gram folder has its table
                                trained, a transformer folder or org/name gets an adapter
      --loss <l>                auto, cosine, mnrl, cosent or contrastive (default auto: cosent
                                with label-0 rows, else mnrl)
      --epochs <n> --batch-size <n> --lr <x> --seed <n>   (defaults 10, 32, 0.01 or 1e-3 for
                                an adapter, 42)
      --validation <share>      share of the training groups held out to choose the number of
                                epochs (at most --epochs), then trained on all (default 0.1; 0: off)
      --no-shape-features       char-n-gram: do not learn rows for a term's form (length per kind,
                                capitals)
      --order-weights           char-n-gram: also learn one weight per n-gram kind
      --adapter linear|mlp      transformer: the adapter over the frozen encoder (default linear)
      --adjust <m>              also adjust the dictionary's terms with the new model (seed,
                                retrofit or counterfit) and store them in the folder (adjusted/)
      --json                    machine-readable summary with before/after evaluations
  adjust <file.csv>       move the vectors of the dictionary's terms; writes a model folder
      --out <dir>               the new model folder (required)
      --method <m>              seed, retrofit (default) or counterfit   [--model] [--json]
  suggest <dict>          candidate synonyms from term lists, per group and as new groups, with
                          spelling variants told apart (decisions file next to <dict> honoured)
      --vocab <file>            a term list: one term a line, or a CSV with a term column and an
                                optional count column (required; repeat for several lists)
      --k <n>                   synonym candidates per group (default 10)
      --min-score <x>           leave out synonym candidates scoring below x (variants are kept)
      --decisions <file>        decisions file (default: <dict>.decisions.csv when it exists)
      --attributes <file>       attribute words, one a line, added to the default stop-list
                                (default: <dict>.attributes.txt when it exists)
      --model builtin|<dir>     [--json]
  export-training <dict>  the dictionary as training data for GPU fine-tuning, with hard negatives
      --format <f>              flagembedding (JSONL query/pos/neg) or sentence-transformers
                                (CSV anchor,positive,negative) (required)
      --out <file>              written atomically (required)
      --negatives <n>           negatives per query: rejected pairs first, then the model's
                                nearest terms outside the group (default 7)
      --decisions <file>        decisions file (default: <dict>.decisions.csv when it exists)
      --from csv|solr|es        dictionary format (default: by file name)
      --model builtin|<dir>     the model that mines negatives   [--json]
  evaluate <labelled.csv> accuracy, F1, AP, ROC-AUC… of a model on labelled pairs
      --threshold <x>           cosine threshold of the classification report (default 0.5)
      --held-out                a model fine-tuned on this file: only the pairs it held out
      --model builtin|<dir>     [--json]

${MODEL_USAGE}
Options: --help, --version
Exit codes: 0 success (check: nothing flagged), 1 check flagged pairs, 2 usage or input error,
130 cancelled with Ctrl-C (fine-tune, adjust: nothing is written).
`;

type Handler = (positionals: string[], values: Record<string, string | boolean | undefined>) => Promise<number>;

const COMMANDS: Record<string, { options: ParseArgsConfig['options']; positionals: [number, number]; run: Handler }> = {
  check: {
    options: {
      model: { type: 'string' },
      threshold: { type: 'string' },
      'negative-threshold': { type: 'string' },
      json: { type: 'boolean' },
      'exit-zero': { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: [1, 1],
    run: runCheck,
  },
  similarity: {
    options: { model: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [2, 2],
    run: runSimilarity,
  },
  neighbors: {
    options: { model: { type: 'string' }, vocab: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    run: runNeighbors,
  },
  export: {
    options: { format: { type: 'string' }, from: { type: 'string' }, set: { type: 'string' }, out: { type: 'string' } },
    positionals: [1, 1],
    run: runExport,
  },
  convert: {
    options: { to: { type: 'string' }, from: { type: 'string' }, set: { type: 'string' }, out: { type: 'string' } },
    positionals: [1, 1],
    run: runConvert,
  },
  'fine-tune': {
    options: {
      out: { type: 'string' },
      model: { type: 'string' },
      loss: { type: 'string' },
      epochs: { type: 'string' },
      validation: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      'no-shape-features': { type: 'boolean' },
      'order-weights': { type: 'boolean' },
      adapter: { type: 'string' },
      adjust: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: [1, 1],
    run: runFineTune,
  },
  adjust: {
    options: { out: { type: 'string' }, method: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' } },
    positionals: [1, 1],
    run: runAdjust,
  },
  evaluate: {
    options: { model: { type: 'string' }, threshold: { type: 'string' }, 'held-out': { type: 'boolean' }, json: { type: 'boolean' }, format: { type: 'string' } },
    positionals: [1, 1],
    run: runEvaluateCommand,
  },
  suggest: {
    options: {
      vocab: { type: 'string', multiple: true },
      k: { type: 'string' },
      'min-score': { type: 'string' },
      decisions: { type: 'string' },
      attributes: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: [1, 1],
    run: runSuggestCommand,
  },
  'export-training': {
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      negatives: { type: 'string' },
      decisions: { type: 'string' },
      from: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    run: runExportTraining,
  },
  model: { options: MODEL_OPTIONS, positionals: [1, 2], run: runModel },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${process.env.SYNONYM_LENS_VERSION ?? VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}' (try --help)`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [min, max] = command.positionals;
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    throw new CliError(`'${name}' takes ${min === max ? min : `${min}-${max}`} argument${max > 1 ? 's' : ''}, got ${n} (try --help)`);
  }
  return command.run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliError) {
      writeHuman(`synonym-lens: ${e.message}\n`, process.stderr);
    } else {
      writeHuman(`synonym-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, process.stderr);
    }
    process.exitCode = 2;
  },
);
