/**
 * The evaluation report: a webview panel drawing a report JSON (core's `Evaluation` before/after
 * fine-tuning, plus optional scored pairs and losses; see `EvaluationReport`). One panel per kind of
 * report (a fine-tuning run's, an evaluation's): a new report of that kind is shown in it, revealed,
 * rather than in another tab per run.
 */
import * as vscode from 'vscode';
import type { EvaluationReport, ReportState, ToReportMessage } from '../../shared/webviewProtocol';
import { Channel, errorText, isMessage, showPage, webviewOptions } from './common';
import { normalizeReport, reportKind, type ReportKind } from './reportModel';

export const REPORT_VIEW_TYPE = 'synonymLens.report';

/** An open report panel: its channel and the report it shows (what a reloaded page asks for). */
interface OpenReport {
  panel: vscode.WebviewPanel;
  channel: Channel<ToReportMessage>;
  state: ReportState;
}

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<ReportKind, OpenReport>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** `synonymLens.showReport`: a report object, the path or URI of a report `.json`, or nothing (asks). */
  async show(arg?: EvaluationReport | string | vscode.Uri): Promise<void> {
    let source: string | undefined;
    let report: EvaluationReport;
    try {
      let value: unknown = arg;
      if (arg === undefined) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { [vscode.l10n.t('Evaluation report')]: ['json'] },
          title: vscode.l10n.t('Open Evaluation Report'),
        });
        if (!picked?.[0]) return;
        value = picked[0];
      }
      if (typeof value === 'string' || value instanceof vscode.Uri) {
        const uri = typeof value === 'string' ? (/^[a-z][\w+.-]+:\/\//i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value)) : value;
        source = uri.scheme === 'file' ? uri.fsPath : uri.toString();
        value = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as unknown;
      }
      report = normalizeReport(value);
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens: cannot show the report: {0}', errorText(error)));
      return;
    }
    const state: ReportState = { report, source };
    const open = this.panels.get(reportKind(report));
    if (open) {
      // The same kind's panel shows the new report: updated in place, brought to the front.
      open.state = state;
      open.panel.title = report.title ?? vscode.l10n.t('Evaluation Report');
      open.panel.reveal(open.panel.viewColumn ?? vscode.ViewColumn.Active);
      open.channel.post({ type: 'report', report, source });
      return;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, report.title ?? vscode.l10n.t('Evaluation Report'), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.adopt(panel, state);
  }

  restore(panel: vscode.WebviewPanel, state: ReportState | undefined): void {
    if (!state?.report) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.adopt(panel, state);
  }

  private adopt(panel: vscode.WebviewPanel, state: ReportState): void {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    showPage(panel, this.extensionUri, 'report', state.report?.title ?? vscode.l10n.t('Evaluation Report'));
    const open: OpenReport = { panel, channel: new Channel<ToReportMessage>(panel.webview), state };
    const kind = state.report ? reportKind(state.report) : 'evaluation';
    // A restored panel of a kind already open (two were restored) stays as it is, but only the first is reused.
    if (!this.panels.has(kind)) this.panels.set(kind, open);
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => {
      const current = open.state;
      if (isMessage(m) && m.type === 'ready' && current.report) open.channel.post({ type: 'report', report: current.report, source: current.source });
    });
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panels.get(kind) === open) this.panels.delete(kind);
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}
