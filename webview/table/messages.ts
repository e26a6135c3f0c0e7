/**
 * Messages from the host: a new document version (the grid is rebuilt from its text), scores,
 * why there are none, and diagnostics. Scores and diagnostics may arrive before the first
 * document and are kept for it.
 */
import type { ToTableMessage } from '../../src/shared/webviewProtocol';
import { format } from '../common/strings';
import type { EditQueue } from './editQueue';
import type { TableLayout } from './layout';
import { TableModel } from './model';
import type { GridRenderer } from './render';
import type { GridState } from './state';

export function tableMessageHandler(s: GridState, dom: TableLayout, renderer: GridRenderer, queue: EditQueue): (m: Exclude<ToTableMessage, { type: 'response' }>) => void {
  const S = s.strings;
  return (m) => {
    switch (m.type) {
      case 'document': {
        const previous = s.model;
        const model = (s.model = new TableModel(m.uri, m.version, m.text, S, m.format));
        // Scores and diagnostics may arrive before the first document: VS Code delivers what the
        // host posted while the page was loading (its change events) ahead of the answer to `ready`.
        const scores = s.lastScores;
        if (scores) {
          model.threshold = scores.threshold;
          model.negativeThreshold = scores.negativeThreshold;
          model.modelId = scores.modelId;
          model.setScores(scores.version, scores.pairs);
        }
        model.setDiagnostics(s.lastDiagnostics);
        const saved = s.saved;
        if (s.selRow >= model.rowCount) s.selRow = model.rowCount - 1;
        if (s.selRow < 0 && model.rowCount > 0 && saved.selected) s.selRow = Math.min(saved.selected.row, model.rowCount - 1);
        if (s.selRow < 0 && model.rowCount > 0) s.selRow = 0;
        if (saved.selected && !previous) s.selCol = Math.min(saved.selected.column, model.columns.length - 1);
        renderer.rebuildHeader();
        renderer.refreshView();
        if (!previous && saved.scrollTop) dom.body.scrollTop = saved.scrollTop;
        dom.app.setAttribute('aria-busy', 'false');
        dom.grid.setAttribute('data-version', String(m.version));
        queue.shown(m.version);
        return;
      }
      case 'scores':
        s.lastScores = m;
        if (s.model) {
          s.model.threshold = m.threshold;
          s.model.negativeThreshold = m.negativeThreshold;
          s.model.modelId = m.modelId;
          s.model.setScores(m.version, m.pairs);
        }
        s.scoresInfo = format(S.modelInfo, m.modelId, m.threshold);
        renderer.refreshView();
        return;
      case 'scoresUnavailable':
        s.scoresInfo = format(S.scoresUnavailable, m.reason);
        renderer.renderStatus();
        return;
      case 'diagnostics':
        s.lastDiagnostics = m.items;
        s.model?.setDiagnostics(m.items);
        renderer.refreshView();
        return;
    }
  };
}
