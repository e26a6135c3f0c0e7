/**
 * `synonymLens/downloadModel`: the client's "Download from Hugging Face…" runs here, because the
 * downloader (`model/hub/download.ts`) is server code the extension host must not import. The
 * request reports work-done progress (the client's token when it sent one, else a server-created
 * progress) and is cancellable from the request or the progress UI. The server's current model is
 * not touched: the client switches `synonymLens.model` once the folder is complete.
 */
import * as l10n from '@vscode/l10n';
import path from 'node:path';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import { DownloadModelRequest, MODEL_VARIANTS, type DownloadModelErrorData, type DownloadModelResult } from '../shared/protocol';
import { isCancellation, requestCancelled } from './cancellation';
import { modelErrorMessage, modelErrorTexts } from './messages';
import { openRequestProgress } from './progress';
import { downloadModel, DownloadError, type DownloadProgress } from '../runtime/model/hub/download';

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

/** Registers the download request on `connection`. `env` (default `process.env`) supplies HF_ENDPOINT, HF_TOKEN and proxies. */
export function registerDownload(connection: Connection, env: NodeJS.ProcessEnv = process.env): void {
  connection.onRequest(DownloadModelRequest.type, async (params, token): Promise<DownloadModelResult> => {
    const repo = typeof params?.repo === 'string' ? params.repo.trim() : '';
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new ResponseError(ErrorCodes.InvalidParams, modelErrorTexts.notRepoId(repo));
    const variant = params.variant ?? 'fp32';
    if (!MODEL_VARIANTS.includes(variant)) throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('variant must be one of {0}', MODEL_VARIANTS.join(', ')));
    if (typeof params.modelsDir !== 'string' || !path.isAbsolute(params.modelsDir)) throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('modelsDir must be an absolute path'));
    if (params.endpoint !== undefined && params.endpoint !== '' && !/^https?:\/\//i.test(params.endpoint)) {
      throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('endpoint must be an http(s) URL: {0}', params.endpoint));
    }

    const progress = await openRequestProgress(connection, params.workDoneToken, token);
    const { reporter } = progress;

    let bytes = 0;
    let lastAt = 0;
    let lastPct = -1;
    const onProgress = (e: DownloadProgress) => {
      switch (e.kind) {
        case 'listing':
          reporter.report(0, l10n.t('listing {0}@{1}', e.repo, e.revision));
          break;
        case 'plan':
          bytes = e.totalBytes;
          reporter.report(0, l10n.t('{0} files, {1} MB', e.files.length, mb(e.totalBytes)));
          break;
        case 'bytes': {
          // Throttled: at most four reports a second, and only when the percentage moves.
          const pct = e.totalBytes > 0 ? Math.min(99, Math.floor((e.totalReceived / e.totalBytes) * 100)) : 0;
          const now = Date.now();
          if (pct === lastPct || now - lastAt < 250) return;
          lastPct = pct;
          lastAt = now;
          reporter.report(pct, `${mb(e.totalReceived)} / ${mb(e.totalBytes)} MB · ${e.path}`);
          break;
        }
        case 'retry':
          connection.console.warn(`Download of ${repo}: ${e.path} retry ${e.attempt} (${e.reason})`);
          reporter.report(Math.max(lastPct, 0), l10n.t('{0}: retry {1}', e.path, e.attempt));
          break;
        case 'file':
        case 'verified':
        case 'done':
          break;
      }
    };

    const started = Date.now();
    try {
      reporter.begin(l10n.t('Downloading {0}', repo), 0, l10n.t('connecting'), true);
      connection.console.info(`Downloading ${repo} (${variant}) into ${params.modelsDir}`);
      const modelDir = await downloadModel({
        repo,
        variant,
        revision: params.revision || undefined,
        endpoint: params.endpoint || undefined,
        modelsDir: params.modelsDir,
        onProgress,
        signal: progress.signal,
        env,
      });
      connection.console.info(`Downloaded ${repo} to ${modelDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { modelDir, repo, variant, bytes };
    } catch (e) {
      if (progress.signal.aborted || isCancellation(e)) {
        connection.console.info(`Download of ${repo} cancelled; partial files are kept for a later resume.`);
        throw requestCancelled();
      }
      if (e instanceof DownloadError && e.code !== 'cancelled') {
        connection.console.warn(`Download of ${repo} failed (${e.code}): ${e.message}`);
        // The notification shows the message: in the display language (the log above stays English).
        throw new ResponseError<DownloadModelErrorData>(ErrorCodes.InternalError, modelErrorMessage(e), { code: e.code });
      }
      connection.console.error(`Download of ${repo} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      throw new ResponseError(ErrorCodes.InternalError, modelErrorMessage(e));
    } finally {
      progress.done();
    }
  });
}
