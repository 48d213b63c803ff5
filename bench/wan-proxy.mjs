// A simulated WAN link in front of a loopback registry: a TCP proxy that holds every chunk for half the
// round trip in each direction and paces each direction at the link's bandwidth, shared by all the
// connections through it (one link, as an office uplink or a cloud interconnect is one), and makes a
// new connection's first bytes wait one round trip (TCP's handshake). Bytes are
// forwarded unchanged and in order; only their timing changes. Used by bench/sync.mjs.
import { createServer, connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * rttMs: round trip added (half each way); mbit: bandwidth per direction. Returns { host, port, close }.
 * `target` is "host:port".
 */
export async function startWanProxy(target, { rttMs = 40, mbit = 400 } = {}) {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const oneWay = rttMs / 2;
  const bytesPerMs = (mbit * 1e6) / 8 / 1000;
  // When each direction's link is next free (ms, performance-clock): chunks queue behind each other.
  const link = { up: 0, down: 0 };
  const sockets = new Set();

  /**
   * One direction of one connection: chunks leave in the order they came, each when it has crossed the
   * link. One timer per queue, never one per chunk (timers set in one tick may fire out of order).
   */
  const pipe = (dir, to, notBefore) => {
    const queue = [];
    let timer;
    const drain = () => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0].at <= now + 0.5) {
        const { chunk } = queue.shift();
        if (to.destroyed) continue;
        if (chunk === null) to.end();
        else to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0].at - now));
    };
    const push = (chunk) => {
      const now = performance.now();
      const start = Math.max(now, link[dir], notBefore);
      // An end (FIN) takes no bandwidth but arrives after the bytes before it.
      if (chunk !== null) link[dir] = start + chunk.length / bytesPerMs;
      queue.push({ chunk, at: (chunk === null ? Math.max(start, queue.at(-1)?.at ?? 0) : link[dir]) + oneWay });
      timer ??= setTimeout(drain, Math.max(0, queue[0].at - now));
    };
    return push;
  };

  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    // TCP's handshake costs a round trip on a real link before the first byte can go.
    const open = performance.now() + rttMs;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const up = pipe('up', upstream, open);
    const down = pipe('down', client, 0);
    client.on('data', (c) => up(c));
    upstream.on('data', (c) => down(c));
    client.on('end', () => up(null));
    upstream.on('end', () => down(null));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
