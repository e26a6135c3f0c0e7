/**
 * `suggest <dict> --vocab <file>`: which terms of a term list should join which synonym group, and
 * which new terms form groups — ranked, with spelling variants told apart. The dictionary's
 * decisions file and attribute file (next to it) are read when they exist.
 */
import { existsSync } from 'node:fs';
import { CancelledError } from '../../core/cancellation';
import { DecisionIndex } from '../../core/decisions';
import { readDecisionsOption } from '../decisionsInput';
import { AttributeList, attributesPathFor, DEFAULT_ATTRIBUTE_WORDS, parseAttributeWords } from '../../core/suggest/attributes';
import { parseTermList, TermListError, type ListTerm } from '../../core/suggest/termList';
import type { Suggestion } from '../../core/suggest/suggest';
import { runSuggest } from '../../runtime/suggest/service';
import { CliError } from '../errors';
import { readTextFile } from '../input';
import { inputFormat, readDictionary } from '../dictionaryInput';
import { intOption, numberOption, openEngine } from '../options';
import { writeHuman } from '../output';
import { EXIT_CANCELLED, interruptSignal } from './learnCommon';
import { round } from './similarity';

function readTermList(file: string): ListTerm[] {
  try {
    return parseTermList(readTextFile(file));
  } catch (e) {
    if (e instanceof TermListError) throw new CliError(`'${file}': ${e.message}`);
    throw e;
  }
}

function suggestionJson(s: Suggestion) {
  const e = s.evidence;
  return {
    term: s.term,
    candidate: s.candidate,
    score: round(s.score),
    kind: s.kind,
    group: s.group,
    evidence: { cosine: round(e.cosine), nearest: e.nearest, rank: e.rank, rank_back: e.rankBack, ...(e.count !== undefined ? { count: e.count } : {}) },
  };
}

export async function runSuggestCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const dictFile = positionals[0]!;
  const vocab = values.vocab as unknown as string[] | undefined;
  if (!vocab || vocab.length === 0) throw new CliError(`'suggest' needs --vocab <file> (one term a line, or a CSV with a term column and an optional count column)`);
  const k = intOption(values.k, 'k', 10);
  const minScore = values['min-score'] === undefined ? undefined : numberOption(values['min-score'], 'min-score', 0);
  const { dict } = readDictionary(dictFile, inputFormat(dictFile, values.format), 'suggesting');
  const terms = vocab.flatMap(readTermList);
  if (terms.length === 0) throw new CliError(`${vocab.map((f) => `'${f}'`).join(', ')} ${vocab.length === 1 ? 'has' : 'have'} no terms`);
  const decisions = new DecisionIndex(readDecisionsOption(dictFile, values.decisions));
  const attributeFile = typeof values.attributes === 'string' ? values.attributes : existsSync(attributesPathFor(dictFile)) ? attributesPathFor(dictFile) : undefined;
  const attributes = new AttributeList([...DEFAULT_ATTRIBUTE_WORDS, ...(attributeFile ? parseAttributeWords(readTextFile(attributeFile)) : [])]);

  const engine = await openEngine(values.model);
  const interrupt = interruptSignal();
  try {
    const flag = { get isCancellationRequested() { return interrupt.signal.aborted; } };
    const result = await runSuggest(engine, { dictionary: dict, terms, decisions, attributes, options: { k, minScore } }, flag);
    if (values.json) {
      const out = {
        model: engine.id,
        k,
        min_score: minScore ?? null,
        dictionary_terms: result.dictionaryTerms,
        new_terms: result.newTerms,
        decisions: decisions.size,
        suggestions: result.suggestions.map(suggestionJson),
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      writeHuman(humanReport(result.suggestions, result.newTerms, decisions.size));
    }
    return 0;
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write('synonym-lens: suggest cancelled\n');
      return EXIT_CANCELLED;
    }
    throw e;
  } finally {
    interrupt.dispose();
    await engine.dispose();
  }
}

/** Synonym candidates grouped by term (best first), then the spelling variants. */
function humanReport(suggestions: readonly Suggestion[], newTerms: number, decided: number): string {
  const line = (s: Suggestion) => {
    const e = s.evidence;
    const ranks = `rank ${e.rank ?? '-'}/${e.rankBack ?? '-'}`;
    const count = e.count !== undefined ? `, count ${e.count}` : '';
    const where = s.group ? '' : ' (new group)';
    return `  ${s.score.toFixed(3)}  ${s.candidate}${where}  [cos ${e.cosine.toFixed(2)} to ${e.nearest}, ${ranks}${count}]\n`;
  };
  const byTerm = new Map<string, Suggestion[]>();
  for (const s of suggestions) if (s.kind === 'synonym') byTerm.set(s.term, [...(byTerm.get(s.term) ?? []), s]);
  let out = `${suggestions.length} suggestions from ${newTerms} new terms (${decided} pairs already decided are left out)\n`;
  for (const [term, list] of byTerm) out += `\n${term}\n${list.map(line).join('')}`;
  const variants = suggestions.filter((s) => s.kind !== 'synonym');
  if (variants.length) {
    out += `\nSpelling variants\n`;
    for (const s of variants) out += `  ${s.kind.padEnd(22)} ${s.term} ~ ${s.candidate}\n`;
  }
  return out;
}
