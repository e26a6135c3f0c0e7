/**
 * A loopback (127.0.0.1) stand-in for the Hugging Face hub: the tree and revision listing APIs with
 * sizes and hashes, `/{repo}/resolve/{rev}/{file}` with Range support and a CDN redirect for LFS
 * files, and switchable faults (404, truncated body, wrong hash, stall). Plus a CONNECT proxy.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface HubFile {
  readonly path: string;
  readonly content: Buffer;
  /** Stored with LFS (listing gives sha256 under `lfs`; download redirects to `/cdn/…`). */
  readonly lfs?: boolean;
}

export interface Faults {
  /** Paths whose first N downloads stop after half the body (connection closed). */
  truncate?: Map<string, number>;
  /** Paths whose first N downloads send half the body, then nothing (a stalled connection). */
  stall?: Map<string, number>;
  /** Paths listed with a wrong sha256. */
  wrongHash?: Set<string>;
  /** Paths listed but answering 404. */
  missing?: Set<string>;
  /** Serve only the revision endpoint (tree answers 404), like older mirrors. */
  noTreeApi?: boolean;
  /** Ignore Range headers (always 200 with the whole body). */
  noRange?: boolean;
  /**
   * A hostile hub: these entries are listed (with true sizes and hashes) under paths such as
   * `onnx/model.onnx_data/../../x`, and any download request for a file the repository lacks is
   * answered with the entry whose last path segment matches (URL normalisation may have eaten the `..`).
   */
  hostile?: readonly HubFile[];
}

export interface HubServer {
  readonly url: string;
  readonly requests: string[];
  /** Range headers received, by path. */
  readonly ranges: string[];
  readonly faults: Faults;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\u0000`).update(b).digest('hex');

export async function startHub(repos: Readonly<Record<string, readonly HubFile[]>>, faults: Faults = {}): Promise<HubServer> {
  const requests: string[] = [];
  const ranges: string[] = [];
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const listing = /^\/api\/models\/([^/]+\/[^/]+)\/(tree|revision)\/([^/]+)$/.exec(url.pathname);
    if (listing) {
      const [, repo, kind, rev] = listing;
      const files = repos[repo!] && [...repos[repo!]!, ...(faults.hostile ?? [])];
      if (!files || rev !== 'main' || (kind === 'tree' && faults.noTreeApi)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Repository not found' }));
        return;
      }
      const entries = files.map((f) => {
        const hash = faults.wrongHash?.has(f.path) ? sha256(Buffer.from('other')) : sha256(f.content);
        return f.lfs
          ? { type: 'file', path: f.path, size: f.content.length, oid: gitSha1(Buffer.from(`lfs pointer ${f.path}`)), lfs: { oid: hash, size: f.content.length, pointerSize: 134 } }
          : { type: 'file', path: f.path, size: f.content.length, oid: gitSha1(f.content) };
      });
      const body =
        kind === 'tree'
          ? [{ type: 'directory', path: 'onnx', oid: '0'.repeat(40), size: 0 }, ...entries]
          : { id: repo, sha: 'c0ffee'.padEnd(40, '0'), siblings: entries.map((e) => ({ rfilename: e.path, size: e.size, blobId: e.oid, lfs: 'lfs' in e ? e.lfs : undefined })) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(url.pathname);
    const match = resolve ?? cdn;
    if (!match) {
      res.writeHead(404).end('not found');
      return;
    }
    const repo = match[1]!;
    const filePath = decodeURIComponent(resolve ? match[3]! : match[2]!);
    const last = (p: string) => p.split(/[\\/]/).pop();
    const file = repos[repo]?.find((f) => f.path === filePath) ?? faults.hostile?.find((f) => last(f.path) === last(filePath));
    if (!file || faults.missing?.has(filePath) || (resolve && match[2] !== 'main')) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    if (resolve && file.lfs) {
      // The hub redirects LFS content to its CDN.
      res.writeHead(302, { location: `/cdn/${repo}/${encodeURIComponent(filePath)}` }).end();
      return;
    }
    let start = 0;
    const range = req.headers.range;
    if (range) ranges.push(`${filePath} ${range}`);
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m && !faults.noRange) start = Number(m[1]);
    const body = file.content.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, 'accept-ranges': 'bytes' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${file.content.length - 1}/${file.content.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    const take = (map: Map<string, number> | undefined) => {
      const n = map?.get(filePath) ?? 0;
      if (n > 0) map!.set(filePath, n - 1);
      return n > 0;
    };
    if (take(faults.truncate)) {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (take(faults.stall)) {
      stalled.add(res);
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return; // never ends: the client's idle timeout must fire
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    ranges,
    faults,
    close: () =>
      new Promise<void>((r) => {
        for (const res of stalled) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface ConnectProxy {
  readonly url: string;
  /** `host:port` targets of CONNECT requests. */
  readonly tunnels: string[];
  close(): Promise<void>;
}

/** An HTTP CONNECT proxy on 127.0.0.1 that only tunnels to 127.0.0.1. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = target.split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
