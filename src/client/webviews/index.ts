/**
 * The webviews of Synonym Lens: the synonym table (custom text editor), the similarity heatmap
 * and the evaluation report. `activate` calls `registerWebviews` once; everything registered here
 * is disposed through `context.subscriptions`.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ShowHeatmapCommandArgs } from '../../shared/protocol';
import { activeDictionaryUri } from '../activeDictionary';
import type { EvaluationReport, HeatmapState, ReportState, SuggestionsState } from '../../shared/webviewProtocol';
import { HEATMAP_VIEW_TYPE, HeatmapPanels } from './heatmapPanel';
import { REPORT_VIEW_TYPE, ReportPanels } from './reportPanel';
import { SUGGESTIONS_VIEW_TYPE, SuggestionsPanels, type SuggestSynonymsArgs } from './suggestionsPanel';
import { TABLE_VIEW_TYPE, TableEditorProvider } from './tableEditor';

export { HEATMAP_VIEW_TYPE, REPORT_VIEW_TYPE, SUGGESTIONS_VIEW_TYPE, TABLE_VIEW_TYPE };

/** The webview commands' handlers; src/client/commands.ts registers them with the others. */
export interface WebviewCommandHandlers {
  openAsTable(uri?: vscode.Uri): Thenable<unknown> | undefined;
  showHeatmap(arg?: ShowHeatmapCommandArgs | vscode.Uri): Thenable<unknown>;
  showReport(arg?: EvaluationReport | string | vscode.Uri): Thenable<unknown>;
  suggestSynonyms(arg?: SuggestSynonymsArgs | vscode.Uri): Thenable<unknown>;
}

export function registerWebviews(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): WebviewCommandHandlers {
  const { extensionUri } = context;
  const heatmaps = new HeatmapPanels(extensionUri, getClient);
  const reports = new ReportPanels(extensionUri);
  const suggestions = new SuggestionsPanels(extensionUri, getClient);
  const reportFailure = (what: string) => (e: unknown) => {
    void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens: {0} failed: {1}', what, e instanceof Error ? e.message : String(e)));
  };

  context.subscriptions.push(
    heatmaps,
    reports,
    suggestions,
    vscode.window.registerCustomEditorProvider(TABLE_VIEW_TYPE, new TableEditorProvider(extensionUri, getClient), {
      // Hidden tables are rebuilt from the document and their getState() when shown again.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.window.registerWebviewPanelSerializer(HEATMAP_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => heatmaps.restore(panel, state as HeatmapState | undefined),
    }),
    vscode.window.registerWebviewPanelSerializer(SUGGESTIONS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => suggestions.restore(panel, state as SuggestionsState | undefined),
    }),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => reports.restore(panel, state as ReportState | undefined),
    }),
  );
  return {
    openAsTable: (uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeDictionaryUri();
      if (!target) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV) first.'));
        return undefined;
      }
      return vscode.commands.executeCommand('vscode.openWith', target, TABLE_VIEW_TYPE).then(undefined, reportFailure(vscode.l10n.t('Open as Table')));
    },
    showHeatmap: (arg) => heatmaps.show(arg).then(undefined, reportFailure(vscode.l10n.t('Show Similarity Heatmap'))),
    showReport: (arg) => reports.show(arg).then(undefined, reportFailure(vscode.l10n.t('Show Evaluation Report'))),
    suggestSynonyms: (arg) => suggestions.show(arg).then(undefined, reportFailure(vscode.l10n.t('Suggest Synonyms'))),
  };
}
