// A TCP proxy between regx and a real registry that injects the faults a network and a registry
// produce in the wild: a connection cut in the middle of a response body, one flipped byte, and
// 5xx/429 answers (with Retry-After) in place of the registry's. It parses just enough HTTP/1.1
// (keep-alive, Content-Length, chunked, HEAD and bodiless statuses) to find where each request and
// response starts and ends, so faults hit exactly the exchange a rule names and every exchange is
// logged (method, path, status) for tests that count requests.
// Plain HTTP on the client side; the upstream may be plain or TLS (then the proxy is the TLS client).
import { once } from 'node:events';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface ProxiedRequest {
  method: string;
  /** The request target as sent: path plus query. */
  path: string;
  headers: Record<string, string>;
}

export type FaultAction =
  /** Forward part of the response body (default: half of it), then cut both connections. */
  | { kind: 'cut'; afterBytes?: number }
  /** Flip (xor 0xff) one byte of the response body at `offset` (default: the middle). */
  | { kind: 'flip'; offset?: number }
  /** Answer locally instead of the registry; the request never reaches it. */
  | { kind: 'status'; status: number; retryAfter?: number; body?: string }
  /** Run before the request is forwarded (e.g. stop the registry behind the proxy). */
  | { kind: 'hook'; run: (req: ProxiedRequest) => void | Promise<void> };

export interface FaultRule {
  method?: string;
  path: RegExp;
  action: FaultAction;
  /** How many matching exchanges the rule hits (default 1; Infinity for all). */
  times?: number;
}

export interface LoggedExchange {
  method: string;
  path: string;
  /** The status the client saw; undefined when the connection ended before a response head. */
  status?: number;
  fault?: FaultAction['kind'];
}

export interface FaultProxy {
  /** host:port to put in an image reference. */
  host: string;
  port: number;
  url: string;
  readonly log: LoggedExchange[];
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Requests matching method and path pattern seen so far. */
  count(method: string | undefined, path: RegExp): number;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** "host:port" of the registry (a harness registry's `host`). */
  target: string;
  rules?: FaultRule[];
  /** Connect to the upstream over TLS, trusting this CA (PEM). */
  upstreamTls?: { ca: string | Buffer };
}

interface MessageHead {
  startLine: string;
  headers: Record<string, string>;
  raw: Buffer;
}

type Segment = { type: 'head'; head: MessageHead } | { type: 'data'; data: Buffer } | { type: 'framing'; data: Buffer } | { type: 'end' };

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/**
 * An incremental HTTP/1.1 message splitter: fed raw bytes, it returns them again as head, body data and
 * chunk framing segments, with an `end` after each complete message. Bytes are never altered.
 */
export class HttpStreamParser {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'until-close' = 'head';
  private remaining = 0;

  constructor(
    private readonly kind: 'request' | 'response',
    /** For responses: whether the current one can have no body (the answer to a HEAD request). */
    private readonly bodyless: () => boolean = () => false,
  ) {}

  push(chunk: Buffer): Segment[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Segment[] = [];
    for (;;) {
      if (this.state === 'head') {
        const at = this.buf.indexOf(HEAD_END);
        if (at < 0) {
          if (this.buf.length > MAX_HEAD) throw new Error('HTTP head too large');
          break;
        }
        const raw = this.buf.subarray(0, at + 4);
        this.buf = this.buf.subarray(at + 4);
        const head = parseHead(raw);
        out.push({ type: 'head', head });
        this.startBody(head, out);
        continue;
      }
      if (this.state === 'length' || this.state === 'chunk-data') {
        if (!this.buf.length) break;
        const n = Math.min(this.remaining, this.buf.length);
        out.push({ type: 'data', data: this.buf.subarray(0, n) });
        this.buf = this.buf.subarray(n);
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.state === 'length') this.finish(out);
          else this.state = 'chunk-crlf';
        }
        continue;
      }
      if (this.state === 'chunk-crlf') {
        if (this.buf.length < 2) break;
        out.push({ type: 'framing', data: this.buf.subarray(0, 2) });
        this.buf = this.buf.subarray(2);
        this.state = 'chunk-size';
        continue;
      }
      if (this.state === 'chunk-size') {
        const at = this.buf.indexOf(CRLF);
        if (at < 0) break;
        const line = this.buf.subarray(0, at).toString('latin1');
        out.push({ type: 'framing', data: this.buf.subarray(0, at + 2) });
        this.buf = this.buf.subarray(at + 2);
        const size = parseInt(line.split(';')[0] as string, 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size line "${line}"`);
        if (size === 0) this.state = 'trailer';
        else {
          this.remaining = size;
          this.state = 'chunk-data';
        }
        continue;
      }
      if (this.state === 'trailer') {
        const at = this.buf.indexOf(CRLF);
        if (at < 0) break;
        out.push({ type: 'framing', data: this.buf.subarray(0, at + 2) });
        this.buf = this.buf.subarray(at + 2);
        if (at === 0) this.finish(out);
        continue;
      }
      // until-close: everything is body until the peer closes.
      if (this.buf.length) out.push({ type: 'data', data: this.buf });
      this.buf = Buffer.alloc(0);
      break;
    }
    return out;
  }

  /** The peer closed: a close-delimited body ends here. */
  close(): Segment[] {
    if (this.state === 'until-close') {
      this.state = 'head';
      return [{ type: 'end' }];
    }
    return [];
  }

  private startBody(head: MessageHead, out: Segment[]): void {
    const status = this.kind === 'response' ? statusOf(head) : 0;
    const noBody = this.kind === 'response' && ((status >= 100 && status < 200) || status === 204 || status === 304 || this.bodyless());
    const te = head.headers['transfer-encoding']?.toLowerCase() ?? '';
    const cl = head.headers['content-length'];
    if (noBody) this.finish(out);
    else if (te.includes('chunked')) this.state = 'chunk-size';
    else if (cl !== undefined) {
      this.remaining = Number(cl);
      if (this.remaining === 0) this.finish(out);
      else this.state = 'length';
    } else if (this.kind === 'request') this.finish(out);
    else this.state = 'until-close';
  }

  private finish(out: Segment[]): void {
    out.push({ type: 'end' });
    this.state = 'head';
  }
}

function parseHead(raw: Buffer): MessageHead {
  const lines = raw.toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { startLine: lines[0] ?? '', headers, raw };
}

function statusOf(head: MessageHead): number {
  return Number(head.startLine.split(' ')[1]);
}

async function write(socket: Socket, data: Buffer): Promise<void> {
  if (socket.destroyed) throw new Error('socket closed');
  if (!socket.write(data)) await Promise.race([once(socket, 'drain'), once(socket, 'close')]);
}

interface Pending {
  entry: LoggedExchange;
  method: string;
  action?: FaultAction;
  /** A locally made response, sent when every earlier response has gone out. */
  synthetic?: Buffer;
}

function syntheticResponse(action: Extract<FaultAction, { kind: 'status' }>): Buffer {
  const body =
    action.body ?? JSON.stringify({ errors: [{ code: action.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: `injected ${action.status}` }] });
  const lines = [`HTTP/1.1 ${action.status} Injected`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
  if (action.retryAfter !== undefined) lines.push(`Retry-After: ${action.retryAfter}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

const started = new Set<FaultProxy>();

/** Stops every proxy this process started (for a test file's `after`). */
export async function stopAllFaultProxies(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop()));
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const [targetHost, targetPort] = splitHostPort(options.target);
  const rules: Array<FaultRule & { left: number }> = [];
  const log: LoggedExchange[] = [];
  const sockets = new Set<Socket>();
  const addRule = (rule: FaultRule): void => {
    rules.push({ ...rule, left: rule.times ?? 1 });
  };
  for (const r of options.rules ?? []) addRule(r);

  const takeAction = (req: ProxiedRequest): FaultAction | undefined => {
    const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === req.method) && r.path.test(req.path));
    if (!rule) return undefined;
    rule.left--;
    return rule.action;
  };

  const handle = (client: Socket): void => {
    sockets.add(client);
    const upstream = options.upstreamTls
      ? tlsConnect({ host: targetHost, port: targetPort, ca: options.upstreamTls.ca, servername: targetHost === '127.0.0.1' ? undefined : targetHost })
      : netConnect({ host: targetHost, port: targetPort });
    sockets.add(upstream);
    const queue: Pending[] = [];
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => sockets.delete(upstream));
    client.on('error', kill);
    upstream.on('error', kill);

    const flushSynthetic = async (): Promise<void> => {
      while (queue[0]?.synthetic) {
        const p = queue.shift() as Pending;
        await write(client, p.synthetic as Buffer);
      }
    };

    // A client probing for TLS first (as regx and skopeo do with verification off) gets the registry's own
    // answer to a TLS hello on its plain port: such a connection is piped through untouched.
    let opaque: boolean | undefined;
    const requests = async (): Promise<void> => {
      const parser = new HttpStreamParser('request');
      let dropping = false;
      for await (const chunk of client) {
        opaque ??= (chunk as Buffer)[0] === 0x16;
        if (opaque) {
          await write(upstream, chunk as Buffer);
          continue;
        }
        for (const seg of parser.push(chunk as Buffer)) {
          if (seg.type === 'head') {
            const [method = '', path = ''] = seg.head.startLine.split(' ');
            const req: ProxiedRequest = { method, path, headers: seg.head.headers };
            const action = takeAction(req);
            const entry: LoggedExchange = { method, path, ...(action ? { fault: action.kind } : {}) };
            log.push(entry);
            if (action?.kind === 'hook') await action.run(req);
            if (action?.kind === 'status') {
              dropping = true;
              entry.status = action.status;
              queue.push({ entry, method, synthetic: syntheticResponse(action) });
              await flushSynthetic();
              continue;
            }
            dropping = false;
            queue.push({ entry, method, action });
            await write(upstream, seg.head.raw);
          } else if (seg.type !== 'end' && !dropping) await write(upstream, seg.data);
        }
      }
      upstream.end();
    };

    const responses = async (): Promise<void> => {
      const parser = new HttpStreamParser('response', () => queue[0]?.method === 'HEAD');
      let sent = 0;
      let total: number | undefined;
      let informational = false;
      const deliver = async (segments: Segment[]): Promise<boolean> => {
        for (const seg of segments) {
          const current = queue[0];
          if (seg.type === 'head') {
            const status = statusOf(seg.head);
            informational = status >= 100 && status < 200;
            if (current && !informational) current.entry.status = status;
            sent = 0;
            const cl = seg.head.headers['content-length'];
            total = cl === undefined ? undefined : Number(cl);
            await write(client, seg.head.raw);
          } else if (seg.type === 'data') {
            let data = seg.data;
            const action = current?.action;
            if (action?.kind === 'cut') {
              const limit = action.afterBytes ?? Math.floor((total ?? 2) / 2);
              if (sent + data.length >= limit) {
                await write(client, data.subarray(0, Math.max(0, limit - sent)));
                kill();
                return false;
              }
            }
            if (action?.kind === 'flip') {
              const at = action.offset ?? Math.floor((total ?? 1) / 2);
              if (at >= sent && at < sent + data.length) {
                data = Buffer.from(data);
                data[at - sent] = (data[at - sent] as number) ^ 0xff;
              }
            }
            sent += data.length;
            await write(client, data);
          } else if (seg.type === 'framing') await write(client, seg.data);
          else if (!informational) {
            queue.shift();
            await flushSynthetic();
          }
        }
        return true;
      };
      for await (const chunk of upstream) {
        if (opaque) await write(client, chunk as Buffer);
        else if (!(await deliver(parser.push(chunk as Buffer)))) return;
      }
      if (await deliver(parser.close())) client.end();
    };

    requests().catch(kill);
    responses().catch(kill);
  };

  const server: Server = createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const proxy: FaultProxy = {
    host: `127.0.0.1:${port}`,
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    addRule,
    clearRules: () => {
      rules.length = 0;
    },
    count: (method, path) => log.filter((e) => (!method || e.method === method) && path.test(e.path)).length,
    stop: async () => {
      started.delete(proxy);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  started.add(proxy);
  return proxy;
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at).replace(/^\[|\]$/g, '');
  return [host, Number(hostPort.slice(at + 1))];
}
