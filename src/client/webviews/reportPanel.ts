/**
 * The evaluation report: a webview panel drawing a report JSON (core's `Evaluation` before/after
 * fine-tuning, plus optional scored pairs and losses; see `EvaluationReport`).
 */
import * as vscode from 'vscode';
import type { EvaluationReport, ReportState, ToReportMessage } from '../../shared/webviewProtocol';
import { Channel, errorText, isMessage, setHtml, webviewOptions } from './common';
import { normalizeReport } from './reportModel';

export const REPORT_VIEW_TYPE = 'synonymLens.report';

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();

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
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, report.title ?? vscode.l10n.t('Evaluation Report'), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.adopt(panel, { report, source });
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
    setHtml(panel.webview, this.extensionUri, 'report', state.report?.title ?? vscode.l10n.t('Evaluation Report'));
    const channel = new Channel<ToReportMessage>(panel.webview);
    this.panels.add(panel);
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => {
      if (isMessage(m) && m.type === 'ready' && state.report) channel.post({ type: 'report', report: state.report, source: state.source });
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(panel);
    });
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
  }
}
