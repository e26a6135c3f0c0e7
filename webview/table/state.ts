/**
 * What the table shows, without DOM: the document's model, the filtered + sorted order of its rows,
 * the selection, the status texts and the state kept across hide/show. One object the renderer,
 * the editor and the keyboard share instead of module-level variables.
 */
import type { TableState, TableStrings, ToTableMessage } from '../../src/shared/webviewProtocol';
import type { TableModel } from './model';

export type ScoresMessage = Extract<ToTableMessage, { type: 'scores' }>;
export type DiagnosticsItems = Extract<ToTableMessage, { type: 'diagnostics' }>['items'];

export class GridState {
  model: TableModel | undefined;
  /** Data row indices in display order. */
  view: Int32Array = new Int32Array(0);
  /** Position of each data row in `view`, -1 when filtered out. */
  positionOf: Int32Array = new Int32Array(0);
  selRow = -1;
  selCol = 1;
  /** A message for the user in the status bar (cleared by the next selection). */
  message = '';
  /** The model and threshold line of the status bar, or why there are no scores. */
  scoresInfo: string;
  /** The last scores and diagnostics, kept for the next document (they may arrive before it). */
  lastScores: ScoresMessage | undefined;
  lastDiagnostics: DiagnosticsItems = [];

  constructor(
    readonly strings: TableStrings,
    /** Sort, filter and scroll position, saved with `setState`. */
    readonly saved: TableState,
  ) {
    this.scoresInfo = strings.waitingForServer;
  }

  /** Takes a new display order and indexes it. */
  setView(view: Int32Array): void {
    this.view = view;
    this.positionOf = new Int32Array(this.model?.rowCount ?? 0).fill(-1);
    for (let p = 0; p < view.length; p++) this.positionOf[view[p]!] = p;
  }

  /** Position of the selected row in the view, -1 when there is none or it is filtered out. */
  selectedPosition(): number {
    return this.selRow >= 0 ? this.positionOf[this.selRow] ?? -1 : -1;
  }
}
