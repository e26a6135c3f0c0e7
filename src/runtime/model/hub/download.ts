/**
 * Downloads a model from the Hugging Face hub (or a mirror) into a models folder:
 *
 * 1. lists the repository at a revision (`/api/models/{repo}/tree/{rev}?recursive=true`, falling
 *    back to `/api/models/{repo}/revision/{rev}?blobs=true`), with each file's size and hash
 *    (sha256 for LFS files, the git blob sha1 otherwise);
 * 2. picks the tokenizer/config files, sentence-transformers pooling files and the ONNX file of the
 *    wanted variant with its external data;
 * 3. fetches each from `{endpoint}/{repo}/resolve/{rev}/{file}` into `<dest>.partial/`, resuming
 *    `.part` files with `Range`, retrying stalls and truncated bodies, verifying size and hash;
 * 4. renames the finished folder into place (atomic on one file system), so a model folder is
 *    either complete or absent.
 *
 * Endpoint: `options.endpoint`, else `HF_ENDPOINT` (mirrors such as hf-mirror.com), else
 * https://huggingface.co. Proxy: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (see `http.ts`).
 * Token: `HF_TOKEN` for gated or private repositories.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readOnnxGraph } from '../../../core/onnx/graph';
import { CancelledError, type CancellationFlag } from '../engine';
import { DOWNLOAD_METADATA, type Variant } from '../transformer/layout';
import { CodedError, errorText, formatModelError, type ModelErrorText } from '../errorMessages';
import { HttpError, httpGet, readText } from './http';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export type DownloadErrorCode = 'not-found' | 'unauthorized' | 'offline' | 'integrity' | 'stalled' | 'http' | 'no-variant' | 'unsafe-path' | 'cancelled';

/** `message` is English (the CLI's); `messageId` and `args` let the language server say it in the display language. */
export class DownloadError extends CodedError<DownloadErrorCode> {
  override readonly name = 'DownloadError';
}

/** One file of a repository listing. */
export interface RepoFile {
  readonly path: string;
  readonly size?: number;
  /** sha256 of the content (LFS files). */
  readonly sha256?: string;
  /** git blob sha1 (non-LFS files). */
  readonly gitSha1?: string;
}

export type DownloadProgress =
  | { readonly kind: 'listing'; readonly repo: string; readonly revision: string }
  | { readonly kind: 'plan'; readonly files: readonly RepoFile[]; readonly totalBytes: number }
  | { readonly kind: 'file'; readonly path: string; readonly size?: number; readonly resumedFrom: number }
  | { readonly kind: 'bytes'; readonly path: string; readonly received: number; readonly totalReceived: number; readonly totalBytes: number }
  | { readonly kind: 'retry'; readonly path: string; readonly attempt: number; readonly reason: string }
  | { readonly kind: 'verified'; readonly path: string }
  | { readonly kind: 'done'; readonly dir: string };

export interface DownloadOptions {
  /** `org/name`. */
  readonly repo: string;
  /** Branch, tag or commit (default `main`). */
  readonly revision?: string;
  /** Which ONNX file (default fp32 `model.onnx`). */
  readonly variant?: Variant;
  /** Hub base URL; default `HF_ENDPOINT`, else https://huggingface.co. */
  readonly endpoint?: string;
  /** Folder holding downloaded models; the model goes to `<modelsDir>/<org>--<name>`. */
  readonly modelsDir: string;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Checked between chunks; when set, the download stops (partial files are kept for resuming). */
  readonly token?: CancellationFlag;
  readonly signal?: AbortSignal;
  /** Idle milliseconds before a connection counts as stalled (default 30 000). */
  readonly idleTimeoutMs?: number;
  /** Attempts per file after the first, for stalls, truncation and 5xx (default 3). */
  readonly retries?: number;
  /** Environment (proxies, HF_ENDPOINT, HF_TOKEN); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Files a model needs besides the ONNX graph; the first two are required. */
const REQUIRED_FILES = ['tokenizer.json', 'config.json'];
const OPTIONAL_FILES = [
  'tokenizer_config.json',
  'special_tokens_map.json',
  'modules.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
  '1_Pooling/config.json',
];
const VARIANT_ONNX: Readonly<Record<Variant, readonly string[]>> = {
  fp32: ['onnx/model.onnx', 'model.onnx'],
  quantized: ['onnx/model_quantized.onnx', 'model_quantized.onnx', 'onnx/model_int8.onnx', 'onnx/model_uint8.onnx'],
  fp16: ['onnx/model_fp16.onnx', 'model_fp16.onnx'],
};

/** `org/name` → folder name `org--name`. */
export function modelFolderName(repo: string): string {
  return repo.split('/').join('--');
}

export function resolveEndpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (endpoint || env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function mapHttpError(err: unknown, endpoint: string): Error {
  if (err instanceof HttpError) {
    if (err.kind === 'aborted') return new CancelledError();
    if (err.kind === 'stalled') return new DownloadError('stalled', err.messageId, ...err.args);
    if (err.kind === 'network' || err.kind === 'proxy') return new DownloadError('offline', 'offline', endpoint, err.errno ?? err);
  }
  return err as Error;
}

function checkStatus(status: number, what: ModelErrorText, repo: string): void {
  if (status === 404) throw new DownloadError('not-found', 'notFound', what, repo);
  if (status === 401 || status === 403) throw new DownloadError('unauthorized', 'unauthorized', what, status);
  if (status < 200 || status >= 300) throw new DownloadError('http', 'httpStatus', what, status);
}

interface TreeEntry {
  type?: string;
  path?: string;
  rfilename?: string;
  size?: number;
  oid?: string;
  blobId?: string;
  lfs?: { oid?: string; sha256?: string; size?: number };
}

function toRepoFile(e: TreeEntry): RepoFile | undefined {
  const p = e.path ?? e.rfilename;
  if (!p || e.type === 'directory') return undefined;
  const lfsSha = e.lfs?.oid ?? e.lfs?.sha256;
  return {
    path: p,
    size: e.lfs?.size ?? e.size,
    sha256: lfsSha ? lfsSha.replace(/^sha256:/, '') : undefined,
    gitSha1: !lfsSha ? e.oid ?? e.blobId : undefined,
  };
}

/** Lists the files of `repo` at `revision` with sizes and hashes. */
export async function listRepoFiles(repo: string, revision: string, options: { endpoint?: string; env?: NodeJS.ProcessEnv; idleTimeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ files: RepoFile[]; commit?: string }> {
  const env = options.env ?? process.env;
  const endpoint = resolveEndpoint(options.endpoint, env);
  const headers = authHeaders(env);
  const get = async (url: string) => {
    try {
      return await httpGet(url, { headers, idleTimeoutMs: options.idleTimeoutMs ?? 30_000, env, signal: options.signal });
    } catch (err) {
      throw mapHttpError(err, endpoint);
    }
  };
  const tree = await get(`${endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`);
  if (tree.status === 200) {
    const entries = JSON.parse(await readText(tree.body)) as TreeEntry[];
    return { files: entries.map(toRepoFile).filter((f): f is RepoFile => f !== undefined) };
  }
  tree.body.resume();
  // Older mirrors implement only the revision endpoint.
  const rev = await get(`${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`);
  if (rev.status !== 200) rev.body.resume();
  checkStatus(rev.status, errorText('listing', repo, revision, endpoint), repo);
  const info = JSON.parse(await readText(rev.body)) as { sha?: string; siblings?: TreeEntry[] };
  return { files: (info.siblings ?? []).map(toRepoFile).filter((f): f is RepoFile => f !== undefined), commit: info.sha };
}

function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return { 'user-agent': 'synonym-lens', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/**
 * Whether a repository path is one this downloader will write: relative, `/`-separated, no empty,
 * `.` or `..` segment, and no backslash, colon (drive letters, alternate streams), percent sign
 * (encoded separators) or control character. Hub file names never need any of these.
 */
export function isSafeRepoPath(p: string): boolean {
  if (p.length === 0 || p.length > 1024 || /[\\:%\u0000-\u001f\u007f]/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * `rel` (a safe repository path) under `root`, refusing anything that would land outside it: a
 * resolved path that leaves `root`, or an existing symbolic link on the way (a folder, the file or
 * its `.part`), which could point anywhere.
 */
export function targetInside(root: string, rel: string): string {
  if (!isSafeRepoPath(rel)) throw new DownloadError('unsafe-path', 'unsafeRepoPath', rel);
  const base = path.resolve(root);
  const target = path.resolve(base, ...rel.split('/'));
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) throw new DownloadError('unsafe-path', 'unsafeRepoPath', rel);
  const refuseLink = (p: string) => {
    let isLink = false;
    try {
      isLink = lstatSync(p).isSymbolicLink();
    } catch {
      // Absent: created below as a plain folder or file.
    }
    if (isLink) throw new DownloadError('unsafe-path', 'unsafeSymlink', rel, p);
  };
  let at = base;
  for (const segment of relative.split(path.sep)) refuseLink((at = path.join(at, segment)));
  refuseLink(`${target}.part`);
  return target;
}

/**
 * The listed external data files the ONNX graph at `onnxPath` references: each `location` must be
 * a safe relative path next to the graph and listed exactly; a location that escapes the folder is
 * refused, one the listing lacks is reported as missing. Nothing else is taken from the listing.
 */
export function externalDataFiles(files: readonly RepoFile[], onnxPath: string, locations: readonly string[]): RepoFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const dir = path.posix.dirname(onnxPath);
  return locations.map((location) => {
    if (!isSafeRepoPath(location)) throw new DownloadError('unsafe-path', 'unsafeExternalData', onnxPath, location);
    const listed = byPath.get(dir === '.' ? location : `${dir}/${location}`);
    if (!listed) throw new DownloadError('not-found', 'repoLacksFile', dir === '.' ? location : `${dir}/${location}`);
    return listed;
  });
}

/**
 * The external data locations an ONNX file names; none when it does not parse as ONNX (loading it
 * then says what is wrong with it, which is more use than a download error).
 */
function externalLocations(onnxFile: string): readonly string[] {
  try {
    return readOnnxGraph(readFileSync(onnxFile)).externalLocations;
  } catch {
    return [];
  }
}

/**
 * The files to fetch for `variant` (the ONNX graph last); throws `no-variant` naming the variants
 * the repository has. External data is not among them: which files it needs is read from the
 * downloaded graph (`externalDataFiles`).
 */
export function selectFiles(files: readonly RepoFile[], variant: Variant): RepoFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const onnx = VARIANT_ONNX[variant].map((p) => byPath.get(p)).find((f) => f !== undefined);
  if (!onnx) {
    const available = (Object.keys(VARIANT_ONNX) as Variant[]).filter((v) => VARIANT_ONNX[v].some((p) => byPath.has(p)));
    throw available.length
      ? new DownloadError('no-variant', 'noVariant', variant, VARIANT_ONNX[variant].join(', '), available.join(', '))
      : new DownloadError('no-variant', 'noOnnxInRepo');
  }
  const missing = REQUIRED_FILES.filter((p) => !byPath.has(p));
  // Two files at most (REQUIRED_FILES), so one text for each count instead of an English "and".
  if (missing.length === 1) throw new DownloadError('not-found', 'repoLacksFile', missing[0]!);
  if (missing.length) throw new DownloadError('not-found', 'repoLacksFiles', missing[0]!, missing[1]!);
  const extra = [...REQUIRED_FILES, ...OPTIONAL_FILES].map((p) => byPath.get(p)).filter((f): f is RepoFile => f !== undefined);
  return [...extra, onnx];
}

async function hashFile(file: string, algorithm: string, prefix?: Buffer): Promise<string> {
  const h = createHash(algorithm);
  if (prefix) h.update(prefix);
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Verifies a finished file against the listing's size and hash; says what differs, or undefined. */
async function verify(file: string, f: RepoFile): Promise<ModelErrorText | undefined> {
  const size = statSync(file).size;
  if (f.size !== undefined && size !== f.size) return errorText('sizeMismatch', size, f.size);
  if (f.sha256) {
    const got = await hashFile(file, 'sha256');
    if (got !== f.sha256.toLowerCase()) return errorText('sha256Mismatch', got, f.sha256);
  } else if (f.gitSha1 && /^[0-9a-f]{40}$/i.test(f.gitSha1)) {
    const got = await hashFile(file, 'sha1', Buffer.from(`blob ${size}\u0000`));
    if (got !== f.gitSha1.toLowerCase()) return errorText('gitSha1Mismatch', got, f.gitSha1);
  }
  return undefined;
}

/**
 * Downloads `options.repo` and returns the model folder. Rejects with `DownloadError` (one code per
 * failure, see `DownloadErrorCode`) or `CancelledError`; an existing model folder is replaced only
 * once the new one is complete.
 */
export async function downloadModel(options: DownloadOptions): Promise<string> {
  const env = options.env ?? process.env;
  const endpoint = resolveEndpoint(options.endpoint, env);
  const revision = options.revision ?? 'main';
  const variant = options.variant ?? 'fp32';
  const idle = options.idleTimeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const progress = options.onProgress ?? (() => undefined);
  if (!/^[\w.-]+\/[\w.-]+$/.test(options.repo)) throw new DownloadError('not-found', 'notRepoId', options.repo);

  // One AbortController for the whole download, fed by the signal and polled token.
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) abort.abort();
  const poll = options.token ? setInterval(() => options.token!.isCancellationRequested && abort.abort(), 50) : undefined;
  const cancelled = () => abort.signal.aborted || options.token?.isCancellationRequested === true;

  try {
    progress({ kind: 'listing', repo: options.repo, revision });
    const { files, commit } = await listRepoFiles(options.repo, revision, { endpoint, env, idleTimeoutMs: idle, signal: abort.signal }).catch((err: unknown) => {
      throw cancelled() ? new CancelledError() : err;
    });
    const chosen = selectFiles(files, variant);
    const onnxPath = chosen[chosen.length - 1]!.path;
    // The usual external data name is announced in the plan up front (when listed) so the byte
    // total is right from the start; only the graph's own references are fetched.
    const expected = files.filter((f) => f.path === `${onnxPath}_data` || f.path === `${onnxPath}.data`);
    let totalBytes = [...chosen, ...expected].reduce((s, f) => s + (f.size ?? 0), 0);
    progress({ kind: 'plan', files: [...chosen, ...expected], totalBytes });

    mkdirSync(options.modelsDir, { recursive: true });
    const dest = path.join(options.modelsDir, modelFolderName(options.repo));
    const partial = `${dest}.partial`;
    if (existsSync(partial) && lstatSync(partial).isSymbolicLink()) throw new DownloadError('unsafe-path', 'unsafeSymlink', path.basename(partial), partial);
    mkdirSync(partial, { recursive: true });
    let totalReceived = 0;

    for (let i = 0; i < chosen.length; i++) {
      const f = chosen[i]!;
      if (cancelled()) throw new CancelledError();
      const target = targetInside(partial, f.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const graphDone = () => {
        // The graph is the last of the first files; its own references name the external data.
        if (f.path !== onnxPath || i !== chosen.length - 1) return;
        const data = externalDataFiles(files, onnxPath, externalLocations(target));
        const planned = new Set(expected.map((e) => e.path));
        if (data.length !== expected.length || data.some((d) => !planned.has(d.path))) {
          totalBytes = [...chosen, ...data].reduce((sum, x) => sum + (x.size ?? 0), 0);
          progress({ kind: 'plan', files: [...chosen, ...data], totalBytes });
        }
        chosen.push(...data);
      };
      if (existsSync(target) && (await verify(target, f)) === undefined) {
        totalReceived += statSync(target).size;
        progress({ kind: 'verified', path: f.path });
        graphDone();
        continue;
      }
      const part = `${target}.part`;
      const url = `${endpoint}/${options.repo}/resolve/${encodeURIComponent(revision)}/${encodePath(f.path)}`;
      let freshStarts = 0;
      for (let attempt = 0; ; attempt++) {
        if (cancelled()) throw new CancelledError();
        const have = existsSync(part) ? statSync(part).size : 0;
        let failure: ModelErrorText | undefined;
        try {
          const got = await fetchInto(url, part, have, f, { headers: authHeaders(env), idle, env, signal: abort.signal, repo: options.repo }, (received) => {
            progress({ kind: 'bytes', path: f.path, received, totalReceived: totalReceived + received, totalBytes });
            if (options.token?.isCancellationRequested) abort.abort();
          });
          progress({ kind: 'file', path: f.path, size: f.size, resumedFrom: got.resumedFrom });
          if (f.size !== undefined && got.size < f.size) failure = errorText('truncated', got.size, f.size);
        } catch (err) {
          if (cancelled()) throw new CancelledError();
          const mapped = mapHttpError(err, endpoint);
          if (mapped instanceof DownloadError && (mapped.code === 'stalled' || mapped.code === 'http' || mapped.code === 'offline') && attempt < retries) failure = mapped;
          else throw mapped;
        }
        if (failure === undefined) {
          const bad = await verify(part, f);
          if (bad === undefined) break;
          // A corrupt resume can be fixed by one fresh download; a mirror serving wrong bytes cannot.
          rmSync(part, { force: true });
          if (freshStarts++ >= 1 || attempt >= retries)
            throw new DownloadError('integrity', 'verificationFailed', f.path, endpoint, bad);
          failure = errorText('verificationRetry', bad);
        }
        if (attempt >= retries) throw new DownloadError(failure.messageId === 'truncated' ? 'integrity' : 'stalled', 'failedAfterAttempts', f.path, failure, retries + 1);
        progress({ kind: 'retry', path: f.path, attempt: attempt + 1, reason: formatModelError(failure) });
      }
      renameSync(part, target);
      totalReceived += statSync(target).size;
      progress({ kind: 'verified', path: f.path });
      graphDone();
    }

    writeFileSync(
      path.join(partial, DOWNLOAD_METADATA),
      JSON.stringify({ repo: options.repo, revision, commit, variant, endpoint, downloadedAt: new Date().toISOString(), files: chosen }, null, 2),
    );
    // Swap into place: the old folder (if any) moves aside first so `dest` is never half-written.
    const old = `${dest}.old-${randomBytes(4).toString('hex')}`;
    if (existsSync(dest)) renameSync(dest, old);
    renameSync(partial, dest);
    rmSync(old, { recursive: true, force: true });
    progress({ kind: 'done', dir: dest });
    return dest;
  } finally {
    if (poll) clearInterval(poll);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** GETs `url` into `part`, resuming from `have` bytes when the server honours Range. */
async function fetchInto(
  url: string,
  part: string,
  have: number,
  f: RepoFile,
  o: { headers: Record<string, string>; idle: number; env: NodeJS.ProcessEnv; signal: AbortSignal; repo: string },
  onBytes: (received: number) => void,
): Promise<{ size: number; resumedFrom: number }> {
  const resume = have > 0 && (f.size === undefined || have < f.size);
  if (have > 0 && !resume) rmSync(part, { force: true });
  const res = await httpGet(url, { headers: resume ? { ...o.headers, range: `bytes=${have}-` } : o.headers, idleTimeoutMs: o.idle, env: o.env, signal: o.signal });
  if (res.status !== 200 && res.status !== 206) {
    res.body.resume();
    if (res.status >= 500) throw new HttpError('network', errorText('serverError', res.status, f.path), `HTTP ${res.status}`);
    checkStatus(res.status, errorText('downloading', f.path, o.repo), o.repo);
  }
  const append = resume && res.status === 206;
  const start = append ? have : 0;
  // O_NOFOLLOW: a symbolic link planted at the `.part` name after the check is not followed.
  const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW } = fsConstants;
  const out = createWriteStream(part, { fd: openSync(part, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | (O_NOFOLLOW ?? 0)) });
  let received = start;
  // Our own idle timer on the body, so a stall mid-transfer is reported as a stall (not a truncation).
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      res.body.destroy();
    }, o.idle);
  };
  // From here on the body's idle time is ours to judge: turn off the request's socket timeout, whose
  // destroy would otherwise race our timer and end the body as a plain truncation.
  res.body.socket?.setTimeout(0);
  try {
    await new Promise<void>((resolve, reject) => {
      arm();
      res.body.on('data', (chunk: Buffer) => {
        arm();
        received += chunk.length;
        onBytes(received);
        if (!out.write(chunk)) {
          res.body.pause();
          out.once('drain', () => res.body.resume());
        }
      });
      res.body.once('end', resolve);
      // A body cut short by the server or our idle timeout ends in 'aborted'/'error', or (HTTP/1.1
      // without content-length) in a plain 'end'; the size check afterwards catches all three.
      res.body.once('aborted', () => resolve());
      res.body.once('error', (err) => (err instanceof HttpError || o.signal.aborted ? reject(err) : resolve()));
      res.body.once('close', () => resolve());
    });
  } finally {
    if (timer) clearTimeout(timer);
    await new Promise<void>((resolve) => out.end(resolve));
  }
  if (o.signal.aborted) throw new HttpError('aborted', errorText('aborted'));
  if (stalled) throw new HttpError('stalled', errorText('bodyStalled', f.path, o.idle, received));
  return { size: statSync(part).size, resumedFrom: start };
}
