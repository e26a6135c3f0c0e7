/**
 * The learning and export commands: Fine-tune Model, Adjust Vectors, Evaluate Model, Select
 * Embedding Model…, Export Synonyms…. Long work runs on the server (worker thread) under a
 * cancellable notification: the client creates the work-done token, forwards the server's
 * progress into `window.withProgress`, and passes the notification's cancellation token to the
 * request, so Cancel aborts the training and nothing is written.
 */
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError, WorkDoneProgress, type LanguageClient, type RequestParam, type RequestType, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { EXPORT_FORMATS, exportSynonyms, type ExportFormat } from '../core/export';
import { readDictionaryDocument, writeTextAtomic } from './convert';
import {
  AdjustVectorsRequest,
  DownloadModelRequest,
  EvaluateRequest,
  FineTuneRequest,
  type AdjustMethodName,
  type AdjustVectorsResult,
  type DownloadModelResult,
  type ModelVariant,
  type EvaluateResult,
  type FineTuneParams,
  type FineTuneResult,
} from '../shared/protocol';
import { normalizeSettings } from '../shared/settings';
import { Commands } from '../shared/commands';
import { MODELS_FOLDER_GLOB } from '../shared/conventions';
import { activeDictionaryUri } from './activeDictionary';
import { removedModelsNote } from './modelFolders';
import { userSettingValue } from './configuration';
import { startedClient, type SynonymLensClient } from './languageClient';

/** Command ids of this module (package.json `contributes.commands` lists them). */
const SHOW_REPORT = Commands.showReport;

type UriArg = string | vscode.Uri | { uri?: string | vscode.Uri } | undefined;

/** The dictionary a command works on: its argument (`{ uri }`, a Uri or a string), else the one in view (see `activeDictionaryUri`). */
export function targetUri(arg: UriArg): vscode.Uri | undefined {
  const raw = arg instanceof vscode.Uri || typeof arg === 'string' ? arg : arg?.uri;
  if (raw instanceof vscode.Uri) return raw;
  if (typeof raw === 'string' && raw) return /^[a-z][\w+.-]+:/i.test(raw) && !/^[a-z]:[\\/]/i.test(raw) ? vscode.Uri.parse(raw) : vscode.Uri.file(raw);
  return activeDictionaryUri();
}

let tokenCounter = 0;

/**
 * Sends a long request under a cancellable notification. The server's work-done reports (sent to
 * our token) update the notification; Cancel cancels the request. Resolves undefined when the
 * user cancelled or the request failed (the failure is shown).
 */
export async function longRequest<P extends { workDoneToken?: string | number }, R, E>(
  lc: LanguageClient,
  type: RequestType<P, R, E>,
  params: P,
  title: string,
): Promise<R | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const workDoneToken = `synonymLens/${type.method}/${Date.now()}-${++tokenCounter}`;
    let last = 0;
    const sub = lc.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'end') return;
      const v = value as WorkDoneProgressBegin | WorkDoneProgressReport;
      const pct = v.percentage ?? last;
      progress.report({ message: v.message, increment: Math.max(0, pct - last) });
      last = Math.max(last, pct);
    });
    try {
      const withToken: P = { ...params, workDoneToken };
      return await lc.sendRequest(type, withToken as RequestParam<P>, token);
    } catch (error) {
      if (token.isCancellationRequested || (error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0}: cancelled. Nothing was written.', title));
        return undefined;
      }
      try {
        lc.handleFailedRequest(type, token, error, undefined, false);
      } catch {
        // handleFailedRequest logged it; tell the user in their words.
      }
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', title, error instanceof Error ? error.message : String(error)));
      return undefined;
    } finally {
      sub.dispose();
    }
  });
}

/** Extra request options a caller (tests, keybindings) may pass with the `{ uri }` argument. */
type FineTuneArgs = Partial<Omit<FineTuneParams, 'workDoneToken'>> & { uri?: string | vscode.Uri };

/** `synonymLens.fineTune`: fine-tunes on the dictionary, opens the report, offers the new model. */
export async function fineTune(client: SynonymLensClient, arg?: FineTuneArgs | vscode.Uri): Promise<FineTuneResult | undefined> {
  const uri = targetUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV) to fine-tune on.'));
    return undefined;
  }
  const lc = await startedClient(client.languageClient);
  if (!lc) return undefined;
  // The settings give the defaults (loss `auto` = the server's choice); a command argument wins.
  const defaults = normalizeSettings({ fineTune: vscode.workspace.getConfiguration('synonymLens', uri).get('fineTune') }).fineTune;
  const options: FineTuneArgs = {
    ...(defaults.loss !== 'auto' ? { loss: defaults.loss } : {}),
    epochs: defaults.epochs,
    validation: defaults.validation,
    shapeFeatures: defaults.shapeFeatures,
    // An MLP adapter exists only over a transformer's encoder: sent only when chosen, so the
    // server refuses it with a clear error on a char-n-gram model instead of ignoring it.
    ...(defaults.adapter !== 'linear' ? { adapter: defaults.adapter } : {}),
    ...(defaults.adjust !== 'none' ? { adjust: defaults.adjust } : {}),
    keepModels: defaults.keepModels,
    ...(arg instanceof vscode.Uri ? {} : arg),
  };
  delete options.uri;
  const result = await longRequest(lc, FineTuneRequest.type, { ...options, uri: uri.toString() }, vscode.l10n.t('Fine-tuning model'));
  if (!result) return undefined;
  await showReport(result.reportPath);
  const after = result.report.after.roc_auc;
  const before = result.report.before.roc_auc;
  const use = vscode.l10n.t('Use this model');
  // Not awaited: the command resolves with the result while the offer stays on screen.
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('Fine-tuned model written to {0}. Held-out ROC-AUC {1} → {2}.', vscode.workspace.asRelativePath(result.modelDir), fmt(before), fmt(after)) + removedModelsNote(result.removedModels),
      use,
    )
    .then((choice) => (choice === use ? useModel(result.modelDir) : undefined));
  return result;
}

const fmt = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '–');

async function showReport(reportPath: string): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  try {
    if (commands.includes(SHOW_REPORT)) await vscode.commands.executeCommand(SHOW_REPORT, reportPath);
    else await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(reportPath.replace(/\.json$/, '.md')));
  } catch (error) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The report could not be opened: {0}', String(error)));
  }
}

/** The methods of Adjust Vectors, described in the user's language (literal `l10n.t` calls, so the bundle test sees them). */
const adjustMethods = (): { method: AdjustMethodName; label: string; detail: string }[] => [
  { method: 'retrofit', label: 'retrofit', detail: vscode.l10n.t('Faruqui et al. 2015: pull each term toward its synonyms, anchored to its own vector') },
  { method: 'counterfit', label: 'counterfit', detail: vscode.l10n.t('Mrkšić et al. 2016: attract synonyms, repel label-0 pairs, keep neighbourhoods') },
  { method: 'seed', label: 'seed', detail: vscode.l10n.t('The classic seed loop (a small pull, 5 rounds): a baseline') },
];

/** `synonymLens.adjustVectors`: quick pick of the method, then a model folder with adjusted vectors. */
export async function adjustVectors(client: SynonymLensClient, arg?: UriArg & { method?: AdjustMethodName }): Promise<AdjustVectorsResult | undefined> {
  const uri = targetUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV) first.'));
    return undefined;
  }
  let method = typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg.method : undefined;
  if (!method) {
    const picked = await vscode.window.showQuickPick(
      adjustMethods(),
      { title: vscode.l10n.t('Adjust Vectors'), placeHolder: vscode.l10n.t('Method (only the dictionary\'s own terms move)') },
    );
    if (!picked) return undefined;
    method = picked.method;
  }
  const lc = await startedClient(client.languageClient);
  if (!lc) return undefined;
  const keepModels = normalizeSettings({ fineTune: vscode.workspace.getConfiguration('synonymLens', uri).get('fineTune') }).fineTune.keepModels;
  const result = await longRequest(
    lc,
    AdjustVectorsRequest.type,
    { uri: uri.toString(), method, keepModels },
    vscode.l10n.t('Adjusting vectors ({0})', method),
  );
  if (!result) return undefined;
  const use = vscode.l10n.t('Use this model');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('{0}: moved {1} of {2} dictionary terms; written to {3}. Terms outside the dictionary are unchanged.', method, result.movedTerms, result.terms, vscode.workspace.asRelativePath(result.modelDir)) + removedModelsNote(result.removedModels),
      use,
    )
    .then((choice) => (choice === use ? useModel(result.modelDir) : undefined));
  return result;
}

/** `synonymLens.evaluate`: the current (or given) model's metrics on the dictionary's pairs. */
export async function evaluateModel(client: SynonymLensClient, arg?: UriArg & { modelDir?: string; threshold?: number; heldOut?: boolean }): Promise<EvaluateResult | undefined> {
  const uri = targetUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a labelled synonym dictionary (CSV) first.'));
    return undefined;
  }
  const lc = await startedClient(client.languageClient);
  if (!lc) return undefined;
  const extra: { modelDir?: string; threshold?: number; heldOut?: boolean } =
    typeof arg === 'object' && !(arg instanceof vscode.Uri) ? { modelDir: arg.modelDir, threshold: arg.threshold, ...(arg.heldOut ? { heldOut: true } : {}) } : {};
  const result = await longRequest(lc, EvaluateRequest.type, { uri: uri.toString(), ...extra }, vscode.l10n.t('Evaluating model'));
  if (!result) return undefined;
  const name = uri.path.split('/').pop() ?? '';
  const title = result.heldOut ? vscode.l10n.t('Evaluation of {0} on the held-out split of {1}', result.modelId, name) : vscode.l10n.t('Evaluation of {0} on {1}', result.modelId, name);
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes(SHOW_REPORT)) {
    // The scored pairs draw the histogram and the PR/ROC curves, as in a fine-tuning report.
    await vscode.commands.executeCommand(SHOW_REPORT, {
      title,
      before: result.evaluation,
      modelId: result.modelId,
      dictionary: uri.fsPath,
      scores: { before: result.scores },
      ...(result.training ? { training: result.training } : {}),
      ...(result.heldOut ? { heldOut: true } : {}),
    });
  } else {
    const note = result.sampledNegatives ? `\n${vscode.l10n.t('{0} negatives were sampled: the file has no label-0 pair.', result.sampledNegatives)}\n` : '';
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# ${title}\n${note}\n${result.markdown}` });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  }
  if (result.training) {
    // Said where it cannot be missed, with the way to figures that mean something (not awaited).
    const t = result.training;
    const heldOut = vscode.l10n.t('Evaluate on the held-out split');
    const message =
      t.kind === 'same-file'
        ? vscode.l10n.t('Evaluate Model: {0} is the file this model was fine-tuned on ({1} of {2} pairs trained on); these figures overstate how well it scores new pairs.', name, t.trainedPairs, t.pairs)
        : vscode.l10n.t('Evaluate Model: {0} of the {1} pairs of {2} were trained on; these figures overstate how well the model scores new pairs.', t.trainedPairs, t.pairs, name);
    void vscode.window
      .showWarningMessage(message, ...(t.heldOutAvailable ? [heldOut] : []))
      .then((choice) => (choice === heldOut ? evaluateModel(client, { uri: uri.toString(), modelDir: extra.modelDir, threshold: extra.threshold, heldOut: true }) : undefined));
  }
  return result;
}

/**
 * Sets `synonymLens.model` for the workspace: a folder path (relative to the workspace folder when
 * inside it), a downloaded `org/name`, or `builtin`. Workspace Trust: an untrusted workspace cannot choose the model (the
 * server would ignore it), so this refuses and says how to proceed.
 */
export async function useModel(model: string): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('This workspace is not trusted, so Synonym Lens takes the model from user settings only. Trust the workspace to use {0} here.', model), manage)
      .then((c) => (c === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
    return false;
  }
  let value = model;
  // Only absolute paths can be made workspace-relative; `builtin` and `org/name` are stored as they are.
  const folder = /^([a-z]:)?[\\/]/i.test(model) ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(model)) : undefined;
  if (folder) value = vscode.workspace.asRelativePath(vscode.Uri.file(model), false);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('synonymLens').update('model', value, target);
  void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens now uses the model {0}; diagnostics are being recomputed.', value));
  return true;
}

/**
 * `synonymLens.selectModel`: the embedded default, a folder, a model downloaded from Hugging Face
 * (or a mirror), or a recent fine-tuned model. An argument (a path or `org/name`) skips the pick.
 */
export async function selectModel(client: SynonymLensClient, arg?: string | vscode.Uri): Promise<boolean> {
  if (arg !== undefined) return useModel(arg instanceof vscode.Uri ? arg.fsPath : arg);
  type Item = vscode.QuickPickItem & { value?: string; browse?: boolean; download?: boolean };
  const current = vscode.workspace.getConfiguration('synonymLens').get<string>('model') ?? 'builtin';
  const items: Item[] = [
    {
      label: `$(package) ${vscode.l10n.t('Embedded default model')}`,
      description: current === 'builtin' ? vscode.l10n.t('current') : 'builtin',
      detail: vscode.l10n.t('char-ngram-v2: spelling plus meaning from CC-CEDICT and WordNet (Chinese and English). Model licence CC BY-SA 4.0 (CC-CEDICT/MDBG), see NOTICE'),
      value: 'builtin',
    },
    {
      label: `$(package) ${vscode.l10n.t('Previous embedded model')}`,
      description: current === 'builtin:char-ngram-v1' ? vscode.l10n.t('current') : 'builtin:char-ngram-v1',
      detail: vscode.l10n.t('char-ngram-v1: spelling only (character n-grams); kept for the models fine-tuned from it. MIT'),
      value: 'builtin:char-ngram-v1',
    },
    { label: `$(folder-opened) ${vscode.l10n.t('Choose a model folder…')}`, browse: true },
    { label: `$(cloud-download) ${vscode.l10n.t('Download from Hugging Face…')}`, detail: vscode.l10n.t('An ONNX embedding model, e.g. Xenova/bge-small-zh-v1.5 (set synonymLens.hub.endpoint for a mirror)'), download: true },
  ];
  const found = await vscode.workspace.findFiles(`**/${MODELS_FOLDER_GLOB}/*/config.json`, '**/node_modules/**', 50);
  const recent = await Promise.all(
    found.map(async (config) => {
      const dir = vscode.Uri.joinPath(config, '..');
      const stat = await vscode.workspace.fs.stat(config).then((s) => s.mtime, () => 0);
      return { dir, stat };
    }),
  );
  recent.sort((a, b) => b.stat - a.stat);
  if (recent.length) items.push({ label: vscode.l10n.t('Fine-tuned and adjusted models'), kind: vscode.QuickPickItemKind.Separator });
  for (const r of recent) {
    const rel = vscode.workspace.asRelativePath(r.dir, false);
    items.push({ label: `$(beaker) ${r.dir.path.split('/').pop()}`, description: rel === current ? vscode.l10n.t('current') : rel, detail: new Date(r.stat).toLocaleString(), value: r.dir.fsPath });
  }
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Select Embedding Model'), placeHolder: vscode.l10n.t('Current: {0}', current) });
  if (!picked) return false;
  if (picked.download) return (await downloadFromHub(client)) !== undefined;
  if (picked.browse) {
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: vscode.l10n.t('Model folder (config.json and model.onnx)') });
    if (!folder?.[0]) return false;
    return useModel(folder[0].fsPath);
  }
  return picked.value ? useModel(picked.value) : false;
}

const REPO_ID = /^[\w.-]+\/[\w.-]+$/;

/** The hub endpoint for downloads: `synonymLens.hub.endpoint` (user value only in an untrusted workspace), else the server's default. */
function hubEndpoint(): string | undefined {
  const value = vscode.workspace.isTrusted ? vscode.workspace.getConfiguration('synonymLens').get<unknown>('hub.endpoint') : userSettingValue('hub.endpoint');
  return normalizeSettings({ hub: { endpoint: value } }).hub.endpoint || undefined;
}

/** Arguments of the download step, for tests: skip the input box and the variant pick. */
export interface DownloadArgs {
  repo?: string;
  variant?: ModelVariant;
}

/**
 * "Download from Hugging Face…": asks for `org/name` and the variant, downloads on the server into
 * the extension's global storage under a cancellable notification, then switches the workspace to
 * `org/name`. A failure (offline, unknown id, no ONNX file) shows the downloader's message; the
 * current model stays.
 */
export async function downloadFromHub(client: SynonymLensClient, args: DownloadArgs = {}): Promise<DownloadModelResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    // The downloaded model could not be used here (useModel refuses): say so before downloading.
    await useModel(args.repo ?? vscode.l10n.t('a downloaded model'));
    return undefined;
  }
  const repo =
    args.repo ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Download from Hugging Face'),
      prompt: vscode.l10n.t('Repository id (org/name) of an ONNX embedding model'),
      placeHolder: 'Xenova/bge-small-zh-v1.5',
      ignoreFocusOut: true,
      validateInput: (v) => (REPO_ID.test(v.trim()) ? undefined : vscode.l10n.t('Expected org/name, e.g. Xenova/bge-small-zh-v1.5')),
    }))?.trim();
  if (!repo) return undefined;
  let variant = args.variant;
  if (!variant) {
    const variants: (vscode.QuickPickItem & { variant: ModelVariant })[] = [
      { label: 'fp32', description: 'onnx/model.onnx', detail: vscode.l10n.t('Full precision: the reference quality, the largest file'), variant: 'fp32' },
      { label: 'quantized', description: 'onnx/model_quantized.onnx', detail: vscode.l10n.t('8-bit: about a quarter of the size and faster on CPU, slightly lower similarity quality'), variant: 'quantized' },
      { label: 'fp16', description: 'onnx/model_fp16.onnx', detail: vscode.l10n.t('Half precision: half the size'), variant: 'fp16' },
    ];
    const picked = await vscode.window.showQuickPick(variants, { title: vscode.l10n.t('Download {0}', repo), placeHolder: vscode.l10n.t('Model variant') });
    if (!picked) return undefined;
    variant = picked.variant;
  }
  const lc = await startedClient(client.languageClient);
  if (!lc) return undefined;
  const endpoint = hubEndpoint();
  const result = await longRequest(lc, DownloadModelRequest.type, { repo, variant, endpoint, modelsDir: client.modelsDir }, vscode.l10n.t('Downloading {0}', repo));
  if (!result) return undefined;
  await useModel(repo);
  return result;
}

const FORMAT_EXT: Record<ExportFormat, string> = { solr: 'txt', 'solr-explicit': 'txt', 'es-synonyms-api': 'json' };

const formatDetail = (format: ExportFormat): string =>
  ({
    solr: vscode.l10n.t('Solr / Elasticsearch synonyms file: one "a, b, c" equivalence group per line'),
    'solr-explicit': vscode.l10n.t('Solr / Elasticsearch synonyms file: "b, c => a" mappings to the standard term'),
    'es-synonyms-api': vscode.l10n.t('Elasticsearch Synonyms API: JSON body of PUT _synonyms/<set>'),
  })[format];

/** `synonymLens.exportSynonyms`: format, save dialog, atomic write. */
export async function exportSynonymsCommand(arg?: UriArg & { format?: ExportFormat; target?: string | vscode.Uri }): Promise<vscode.Uri | undefined> {
  const uri = targetUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV) to export.'));
    return undefined;
  }
  const opts = typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {};
  let format = opts.format;
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      EXPORT_FORMATS.map((f) => ({ label: f, detail: formatDetail(f), format: f })),
      { title: vscode.l10n.t('Export Synonyms'), placeHolder: vscode.l10n.t('Format') },
    );
    if (!picked) return undefined;
    format = picked.format;
  }
  const parsed = await readDictionaryDocument(uri, vscode.l10n.t('Export Synonyms'));
  if (!parsed) return undefined;
  const dict = parsed.dict;
  const base = uri.path.split('/').pop()!.replace(/(\.synonyms)?\.(csv|tsv|txt|json)$/i, '');
  const setName = base.replace(/[^A-Za-z0-9_.-]+/g, '-') || 'synonyms';
  const result = exportSynonyms(dict, format, setName);
  let target = typeof opts.target === 'string' ? vscode.Uri.file(opts.target) : opts.target;
  if (!target) {
    const suffix = format === 'es-synonyms-api' ? '.synonyms-api' : format === 'solr-explicit' ? '.solr-explicit' : '.solr';
    target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(uri, '..', `${base}${suffix}.${FORMAT_EXT[format]}`),
      filters: format === 'es-synonyms-api' ? { JSON: ['json'] } : { [vscode.l10n.t('Synonyms file')]: ['txt'] },
      title: vscode.l10n.t('Export Synonyms'),
    });
    if (!target) return undefined;
  }
  // Atomic: a temporary sibling renamed over the target, so a reader never sees half a file.
  if (!(await writeTextAtomic(target, result.text, vscode.l10n.t('Export Synonyms')))) return undefined;
  for (const w of result.warnings) void vscode.window.showWarningMessage(`Synonym Lens: ${w}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} rules to {1}.', result.rules, vscode.workspace.asRelativePath(target)));
  return target;
}
