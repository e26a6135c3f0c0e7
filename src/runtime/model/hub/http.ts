/**
 * Minimal HTTP(S) GET for the hub client on node:http/https: redirects, an idle timeout that
 * catches stalled connections, abort, and proxies from the environment (`HTTPS_PROXY` for https
 * URLs, `HTTP_PROXY` for http URLs, lower-case variants too, `NO_PROXY` honoured) through an HTTP
 * CONNECT tunnel — what corporate proxies in China and elsewhere expect. No dependency.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { errorText, LocalizableError, type ModelErrorText } from '../errorMessages';

export class HttpError extends LocalizableError {
  constructor(
    readonly kind: 'stalled' | 'network' | 'redirects' | 'proxy' | 'aborted',
    text: ModelErrorText,
    /** Node's error code (ENOTFOUND, ECONNREFUSED …) for network errors. */
    readonly errno?: string,
  ) {
    super(text.messageId, text.args);
    this.name = 'HttpError';
  }
}

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds without any byte (connect, headers or body) before the request is abandoned. */
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Environment for proxy variables (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  readonly maxRedirects?: number;
}

export interface GetResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
  /** The URL finally answered (after redirects). */
  readonly url: string;
}

/** The proxy URL for `target`, or undefined (no proxy variable, or NO_PROXY matches). */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const raw = target.protocol === 'https:' ? env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy : env.HTTP_PROXY ?? env.http_proxy ?? env.ALL_PROXY ?? env.all_proxy;
  if (!raw) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = target.hostname.toLowerCase();
  for (const entry of noProxy) {
    if (entry === '*') return undefined;
    const [name, port] = entry.split(':');
    if (port && port !== (target.port || (target.protocol === 'https:' ? '443' : '80'))) continue;
    const bare = name!.replace(/^\*?\./, '');
    if (host === bare || host.endsWith('.' + bare)) return undefined;
  }
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new HttpError('proxy', errorText('invalidProxy', raw));
  }
}

/** Opens a CONNECT tunnel through `proxy` to `target`'s host:port. */
function connectTunnel(proxy: URL, target: URL, options: GetOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    const headers: Record<string, string> = { host: `${target.hostname}:${port}` };
    if (proxy.username) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const req = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      headers,
      signal: options.signal,
    });
    req.setTimeout(options.idleTimeoutMs, () => req.destroy(new HttpError('stalled', errorText('proxySilent', proxy.host, options.idleTimeoutMs))));
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new HttpError('proxy', errorText('proxyRefused', proxy.host, target.host, String(res.statusCode))));
        return;
      }
      resolve(socket);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof HttpError) reject(err);
      else if (err.name === 'AbortError') reject(new HttpError('aborted', errorText('aborted')));
      else reject(new HttpError('network', errorText('proxyUnreachable', proxy.host, err.message), err.code));
    });
    req.end();
  });
}

function once(url: URL, options: GetOptions): Promise<GetResponse> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const proxy = proxyFor(url, options.env);
      let createConnection: (() => Socket) | undefined;
      if (proxy) {
        const raw = await connectTunnel(proxy, url, options);
        const socket = url.protocol === 'https:' ? tls.connect({ socket: raw, servername: url.hostname }) : raw;
        createConnection = () => socket;
      }
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method: 'GET', headers: options.headers, signal: options.signal, createConnection, agent: createConnection ? false : undefined });
      req.setTimeout(options.idleTimeoutMs, () => req.destroy(new HttpError('stalled', errorText('hostSilent', url.host, options.idleTimeoutMs))));
      req.once('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: url.href }));
      req.once('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof HttpError) reject(err);
        else if (err.name === 'AbortError') reject(new HttpError('aborted', errorText('aborted')));
        else reject(new HttpError('network', errorText('hostUnreachable', url.host, err.message), err.code));
      });
      req.end();
    })().catch(reject);
  });
}

/** GET `url`, following up to `maxRedirects` (default 5) redirects; the body is left to the caller. */
export async function httpGet(url: string, options: GetOptions): Promise<GetResponse> {
  let current = new URL(url);
  const origin = current.host;
  for (let hops = 0; ; hops++) {
    // Credentials only go to the host they were meant for (the hub redirects LFS files to a CDN).
    const headers = { ...options.headers };
    if (current.host !== origin) delete headers.authorization;
    const res = await once(current, { ...options, headers });
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      res.body.resume();
      if (hops >= (options.maxRedirects ?? 5)) throw new HttpError('redirects', errorText('tooManyRedirects', url));
      current = new URL(res.headers.location, current);
      continue;
    }
    return res;
  }
}

/** Reads a (small) response body as text. */
export async function readText(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
