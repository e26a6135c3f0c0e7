/**
 * The similarity heatmap: a webview panel per dictionary (and focus term) showing the cosine matrix
 * from `synonymLens/similarityMatrix`, in synonym-group order, for two models the user picks by
 * name — the model in use, the embedded ones, each model folder beside the dictionary — by default
 * the model in use and the newest fine-tuned one (the webview's A / B / difference toggle). A click
 * in the webview reveals the pair in a text editor; PNG exports are written through a save dialog.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  NeighborsRequest,
  SimilarityMatrixRequest,
  type ShowHeatmapCommandArgs,
  type SimilarityMatrixParams,
  type SimilarityMatrixResult,
} from '../../shared/protocol';
import { MODELS_FOLDER } from '../../shared/conventions';
import type { FromHeatmapMessage, HeatmapModel, HeatmapState, ToHeatmapMessage } from '../../shared/webviewProtocol';
import { whenStarted } from '../languageClient';
import { modelFoldersBeside } from '../modelFolders';
import { Channel, errorText, isMessage, revealInTextEditor, showPage, toRange, webviewOptions } from './common';
import { formatOfDocument } from '../../core/formats/dictionary';
import { DictionaryCache, groupOf, heatmapPairs, pairRange } from './tableModel';
import { newestTunedModel, type TunedCandidate } from './tunedModel';

export const HEATMAP_VIEW_TYPE = 'synonymLens.heatmap';

/** Terms drawn at most; 2,000 terms = 4M cells, the size the view is built and measured for. */
const MAX_TERMS = 2000;
/** Neighbours added around a focus term's group. */
const FOCUS_NEIGHBORS = 30;
const REFRESH_DEBOUNCE_MS = 800;

interface Target {
  uri: vscode.Uri;
  terms?: string[];
  focus?: string;
  /** The fine-tuned model to compare with, when the command named one (else the newest is found). */
  tunedModel?: string;
  /** The models the user chose as A and B (`HeatmapModel.key`s). */
  compare?: { a: string; b: string };
}

export class HeatmapPanels implements vscode.Disposable {
  private readonly open = new Map<string, HeatmapPanel>();
  private readonly cache = new DictionaryCache();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getClient: () => LanguageClient | undefined,
  ) {}

  /** `synonymLens.showHeatmap`: `{uri, term?, terms?}` (hover links), a `Uri` (menus), or nothing. */
  async show(arg?: ShowHeatmapCommandArgs | vscode.Uri): Promise<void> {
    const target = targetOf(arg);
    if (!target) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary to show its similarity heatmap.'));
      return;
    }
    const key = `${target.uri.toString()}\u0000${target.focus ?? ''}\u0000${(target.terms ?? []).join('\u0001')}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.reveal(target.tunedModel);
      return;
    }
    const panel = vscode.window.createWebviewPanel(HEATMAP_VIEW_TYPE, title(target), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.adopt(key, panel, target);
  }

  /** Restores a panel VS Code kept across a reload (the serializer's state is the webview's). */
  restore(panel: vscode.WebviewPanel, state: HeatmapState | undefined): void {
    if (!state?.uri) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    const compare = state.compare && typeof state.compare.a === 'string' && typeof state.compare.b === 'string' ? { a: state.compare.a, b: state.compare.b } : undefined;
    const target: Target = { uri: vscode.Uri.parse(state.uri), terms: state.terms, focus: state.focus, ...(compare ? { compare } : {}) };
    this.adopt(`${state.uri}\u0000${state.focus ?? ''}\u0000${(state.terms ?? []).join('\u0001')}`, panel, target);
  }

  private adopt(key: string, panel: vscode.WebviewPanel, target: Target): void {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    showPage(panel, this.extensionUri, 'heatmap', title(target));
    const p = new HeatmapPanel(panel, target, this.getClient, this.cache);
    this.open.set(key, p);
    panel.onDidDispose(() => {
      this.open.delete(key);
      p.dispose();
    });
  }

  dispose(): void {
    for (const p of this.open.values()) p.dispose();
    this.open.clear();
  }
}

function title(t: Target): string {
  const name = t.uri.path.split('/').pop() ?? 'dictionary';
  return t.focus ? vscode.l10n.t('Similarity: {0} ({1})', t.focus, name) : vscode.l10n.t('Similarity: {0}', name);
}

function targetOf(arg: ShowHeatmapCommandArgs | vscode.Uri | undefined): Target | undefined {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (arg && typeof arg === 'object' && typeof arg.uri === 'string') {
    return {
      uri: vscode.Uri.parse(arg.uri),
      focus: typeof arg.term === 'string' ? arg.term : undefined,
      terms: Array.isArray(arg.terms) ? arg.terms : undefined,
      tunedModel: typeof arg.tunedModel === 'string' && arg.tunedModel.trim() !== '' ? arg.tunedModel : undefined,
    };
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && /\.csv$/i.test(editor.document.uri.path)) return { uri: editor.document.uri };
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return { uri: input.uri };
  return undefined;
}

class HeatmapPanel implements vscode.Disposable {
  private readonly channel: Channel<ToHeatmapMessage>;
  private readonly disposables: vscode.Disposable[] = [];
  private request: vscode.CancellationTokenSource | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly target: Target,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly cache: DictionaryCache,
  ) {
    this.channel = new Channel<ToHeatmapMessage>(panel.webview);
    const uri = target.uri.toString();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== uri || e.contentChanges.length === 0) return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.load(), REFRESH_DEBOUNCE_MS);
      }),
    );
  }

  /** Shows the panel; a newly named fine-tuned model is loaded for comparison. */
  reveal(tunedModel?: string): void {
    this.panel.reveal();
    if (tunedModel !== undefined && tunedModel !== this.target.tunedModel) {
      this.target.tunedModel = tunedModel;
      // A model named by the command is shown as B beside the model in use.
      this.target.compare = undefined;
      void this.load();
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.request?.cancel();
    this.request?.dispose();
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
  }

  private onMessage(m: unknown): void {
    if (!isMessage(m)) return;
    const msg = m as FromHeatmapMessage;
    switch (msg.type) {
      case 'ready':
      case 'refresh':
        void this.load();
        return;
      case 'revealPair':
        if (typeof msg.a !== 'string' || typeof msg.b !== 'string') return;
        void this.revealPair(msg.a, msg.b, typeof msg.row === 'number' ? msg.row : undefined).then(undefined, (e: unknown) => {
          void vscode.window.showErrorMessage(`Synonym Lens: ${errorText(e)}`);
        });
        return;
      case 'compare':
        if (typeof msg.a !== 'string' || typeof msg.b !== 'string') return;
        this.target.compare = { a: msg.a, b: msg.b };
        void this.load();
        return;
      case 'exportPng':
        void this.exportPng(msg.dataUrl, msg.suggestedName).then(
          (saved) => this.channel.respond(msg.requestId, { saved }),
          (e: unknown) => this.channel.fail(msg.requestId, e),
        );
        return;
    }
  }

  private async load(): Promise<void> {
    this.request?.cancel();
    this.request?.dispose();
    const source = (this.request = new vscode.CancellationTokenSource());
    const token = source.token;
    // The page asks as soon as it is loaded: a panel restored with the window, or opened while the
    // server starts, waits for it rather than failing for good.
    const client = await whenStarted(this.getClient());
    if (token.isCancellationRequested) return;
    if (!client) {
      this.channel.post({ type: 'failed', message: vscode.l10n.t('The Synonym Lens language server is not running.') });
      return;
    }
    const uri = this.target.uri.toString();
    try {
      this.channel.post({ type: 'loading', message: vscode.l10n.t('Computing similarities…') });
      const document = await vscode.workspace.openTextDocument(this.target.uri);
      const dict = this.cache.get(uri, document.version, () => document.getText(), formatOfDocument(document.languageId, document.uri.path));
      let terms = this.target.terms;
      if (!terms && this.target.focus) {
        // The focus term's group plus its nearest neighbours: the question a hover link asks.
        const group = groupOf(dict, this.target.focus);
        const near = await client.sendRequest(NeighborsRequest.type, { term: this.target.focus, k: FOCUS_NEIGHBORS, uri }, token);
        terms = [...new Set([this.target.focus, ...group, ...near.neighbors.map((n) => n.term)])];
      }
      const params = { uri, terms, limit: MAX_TERMS };
      const models = await this.modelChoices();
      const a = this.target.compare?.a ?? '';
      const [r, tuned] = await Promise.all([
        client.sendRequest(SimilarityMatrixRequest.type, a === '' ? params : { ...params, model: a }, token),
        this.comparedMatrix(client, params, models, token),
      ]);
      if (token.isCancellationRequested) return;
      // Both matrices must describe the same terms in the same order (an edit in between may change them; its refresh follows).
      const comparable = tuned.matrix !== undefined && tuned.matrix.version === r.version && sameTerms(tuned.matrix.terms, r.terms) && tuned.matrix.modelId !== r.modelId;
      const tunedUnavailable =
        tuned.reason ??
        (tuned.matrix?.modelId === r.modelId
          ? vscode.l10n.t('Models A and B are the same model ({0}): choose another model as B.', r.modelId)
          : vscode.l10n.t('The document changed while the second matrix was computed; refresh to compare.'));
      const threshold = vscode.workspace.getConfiguration('synonymLens', this.target.uri).get<number>('diagnostics.threshold', 0.5);
      // The entry of the model in use says which model that is.
      const inUse = a === '' ? r.modelId : tuned.currentId;
      const named = models.map((m) => (m.key === '' && inUse !== undefined ? { key: '', label: vscode.l10n.t('Model in use: {0}', inUse) } : m));
      this.channel.post({
        type: 'matrix',
        data: {
          uri,
          version: r.version,
          modelId: r.modelId,
          terms: r.terms,
          groups: r.groups,
          // A typed array crosses to the webview as one buffer rather than 4M JSON numbers.
          matrix: Float32Array.from(r.matrix),
          ...(comparable
            ? { tuned: Float32Array.from(tuned.matrix!.matrix), tunedModelId: tuned.matrix!.modelId }
            : { tunedUnavailable }),
          models: named,
          modelA: a,
          ...(tuned.key !== undefined ? { modelB: tuned.key } : {}),
          pairs: heatmapPairs(dict, r.terms),
          threshold,
          truncated: r.truncated,
          focus: this.target.focus,
          requestedTerms: this.target.terms,
        },
      });
    } catch (error) {
      try {
        client.handleFailedRequest(SimilarityMatrixRequest.type, token, error, undefined, false);
      } catch (e) {
        if (e instanceof vscode.CancellationError) return;
        this.channel.post({ type: 'failed', message: errorText(error) });
      }
    }
  }

  /**
   * The models the user may compare, by name: the one in use (key `''`), the embedded model and the
   * previous one, then every fine-tuned or adjusted folder beside the dictionary, newest first, and
   * a folder the command named.
   */
  private async modelChoices(): Promise<HeatmapModel[]> {
    const models: HeatmapModel[] = [
      { key: '', label: vscode.l10n.t('Model in use') },
      { key: 'builtin', label: vscode.l10n.t('Embedded model (builtin)') },
      { key: 'builtin:char-ngram-v1', label: vscode.l10n.t('Previous embedded model (builtin:char-ngram-v1)') },
    ];
    if (!vscode.workspace.isTrusted || this.target.uri.scheme !== 'file') return models;
    for (const f of await modelFoldersBeside(this.target.uri)) {
      const date = new Date(f.time).toLocaleString();
      const label =
        f.kind === 'fine-tuned' ? vscode.l10n.t('{0} (fine-tuned, {1})', f.name, date) : f.kind === 'adjusted' ? vscode.l10n.t('{0} (adjusted vectors, {1})', f.name, date) : f.name;
      models.push({ key: f.uri.fsPath, label });
    }
    const named = this.target.tunedModel;
    if (named !== undefined && !models.some((m) => m.key === named)) models.push({ key: named, label: named.split(/[\\/]/).pop() ?? named });
    return models;
  }

  /**
   * Model B's matrix over the same request: the one the user chose, else the one the command named,
   * else the newest model fine-tuned on this dictionary (any model folder beside it otherwise), else
   * the embedded model — the first of these that is not the model in use. Never fails: when there is
   * no such model or it does not load, `reason` says why (the toggle's tooltip) and A shows alone.
   */
  private async comparedMatrix(
    client: LanguageClient,
    params: SimilarityMatrixParams,
    models: readonly HeatmapModel[],
    token: vscode.CancellationToken,
  ): Promise<{ matrix?: SimilarityMatrixResult; key?: string; reason?: string; currentId?: string }> {
    if (!vscode.workspace.isTrusted) return { reason: vscode.l10n.t('Trust the workspace to compare models (an untrusted workspace cannot choose models).') };
    const chosen = this.target.compare?.b;
    const candidates: string[] = [];
    if (chosen !== undefined) candidates.push(chosen);
    else {
      if (this.target.tunedModel !== undefined) candidates.push(this.target.tunedModel);
      const newest = await findTunedModel(this.target.uri);
      if (newest !== undefined) candidates.push(newest);
      const folders = models.filter((m) => m.key !== '' && !m.key.startsWith('builtin'));
      if (folders[0]) candidates.push(folders[0].key);
      candidates.push('builtin', 'builtin:char-ngram-v1');
    }
    let currentId: string | undefined;
    let lastError: unknown;
    for (const key of [...new Set(candidates)]) {
      try {
        const matrix = await client.sendRequest(SimilarityMatrixRequest.type, key === '' ? params : { ...params, model: key }, token);
        if (chosen === undefined && this.target.compare?.a === undefined) {
          // By default B is another model than the one in use ("Use this model" made the newest fine-tuned one current).
          currentId ??= (await client.sendRequest(SimilarityMatrixRequest.type, { ...params, terms: matrix.terms.slice(0, 1) }, token)).modelId;
          if (matrix.modelId === currentId) continue;
        }
        return { matrix, key, currentId };
      } catch (error) {
        if (token.isCancellationRequested) throw error;
        lastError = error;
        if (chosen !== undefined) break;
      }
    }
    return { reason: lastError !== undefined ? vscode.l10n.t('The model could not be used: {0}', errorText(lastError)) : vscode.l10n.t('No second model to compare with.'), currentId };
  }

  private async revealPair(a: string, b: string, row: number | undefined): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.target.uri);
    const dict = this.cache.get(document.uri.toString(), document.version, () => document.getText(), formatOfDocument(document.languageId, document.uri.path));
    const range = pairRange(dict, a, b, row);
    if (!range) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: "{0}" is not in {1}.', a, document.uri.path.split('/').pop() ?? ''));
      return;
    }
    await revealInTextEditor(document, toRange(range));
  }

  private async exportPng(dataUrl: unknown, suggestedName: unknown): Promise<boolean> {
    if (typeof dataUrl !== 'string' || !dataUrl.startsWith('data:image/png;base64,')) throw new Error('Not a PNG image.');
    const name = typeof suggestedName === 'string' && /^[\w.\- ]+\.png$/.test(suggestedName) ? suggestedName : 'heatmap.png';
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.target.uri, '..', name),
      filters: { [vscode.l10n.t('PNG image')]: ['png'] },
      title: vscode.l10n.t('Export Heatmap as PNG'),
    });
    if (!target) return false;
    await vscode.workspace.fs.writeFile(target, Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: heatmap saved to {0}.', target.fsPath));
    return true;
  }
}

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * The newest model Fine-tune Model wrote for the dictionary (`.synonym-lens/models/*` next to it,
 * newest by its `synonym-lens.json` date), as an absolute folder path; undefined when there is none.
 */
async function findTunedModel(dictionary: vscode.Uri): Promise<string | undefined> {
  if (dictionary.scheme !== 'file') return undefined;
  const models = vscode.Uri.joinPath(dictionary, '..', ...MODELS_FOLDER);
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(models);
  } catch {
    return undefined;
  }
  const candidates: TunedCandidate[] = [];
  for (const [name, type] of entries) {
    // Staging folders of a running job are hidden (`.name.partial-…`).
    if (!(type & vscode.FileType.Directory) || name.startsWith('.')) continue;
    const dir = vscode.Uri.joinPath(models, name);
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'synonym-lens.json'));
      candidates.push({ dir: dir.fsPath, provenance: JSON.parse(new TextDecoder().decode(bytes)) as unknown });
    } catch {
      // No provenance (vector adjustments) or unreadable: not a fine-tuned model.
    }
  }
  return newestTunedModel(candidates, dictionary.fsPath)?.dir;
}
