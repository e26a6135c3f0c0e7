/**
 * Work-done progress for long requests (model downloads, learning jobs): the client's progress
 * when it sent a `workDoneToken`, else one the server creates; and one abort signal fed by both
 * the request's cancellation and the progress UI's cancel button.
 */
import { CancellationToken, type Connection, type WorkDoneProgressReporter } from 'vscode-languageserver/node';

export interface RequestProgress {
  readonly reporter: WorkDoneProgressReporter;
  /** Aborted when the request or its progress is cancelled. */
  readonly signal: AbortSignal;
  /** Detaches the cancellation listeners and ends the progress; call it in `finally`. */
  done(): void;
}

export async function openRequestProgress(connection: Connection, workDoneToken: string | number | undefined, token: CancellationToken): Promise<RequestProgress> {
  const abort = new AbortController();
  let reporter: WorkDoneProgressReporter = connection.window.attachWorkDoneProgress(workDoneToken);
  let progressToken: CancellationToken = CancellationToken.None;
  if (workDoneToken === undefined) {
    const created = await connection.window.createWorkDoneProgress().catch(() => undefined);
    if (created) {
      reporter = created;
      progressToken = created.token;
    }
  }
  const subs = [token, progressToken].map((t) => t.onCancellationRequested(() => abort.abort()));
  if (token.isCancellationRequested || progressToken.isCancellationRequested) abort.abort();
  return {
    reporter,
    signal: abort.signal,
    done() {
      for (const s of subs) s.dispose();
      reporter.done();
    },
  };
}
