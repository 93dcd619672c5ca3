// A local stand-in for the outside world of the channels tests: webhook receivers, Resend, Twilio
// and a DNS-over-HTTPS resolver, on 127.0.0.1. Requests under /r/<box>/… are recorded per box
// (one box per test keeps tests apart) and answered with the box's scripted responses, in order,
// then with what the real service would answer.
import { randomUUID } from "node:crypto";
import http from "node:http";

export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (a slow receiver). */
  delay_ms?: number;
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

const DNS_TYPES: Record<string, { code: number; matches: (ip: string) => boolean }> = {
  A: { code: 1, matches: (ip) => !ip.includes(":") },
  AAAA: { code: 28, matches: (ip) => ip.includes(":") },
};

export async function startReceiver(port = 0): Promise<Receiver> {
  const received = new Map<string, ReceivedRequest[]>();
  const scripts = new Map<string, ScriptedResponse[]>();
  const dns = new Map<string, string[]>();
  const timers = new Set<NodeJS.Timeout>();

  function answer(response: http.ServerResponse, reply: ScriptedResponse): void {
    const send = () => {
      // The client may have given up (a timeout test): nothing to answer then.
      if (response.destroyed) return;
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body ?? "");
    };
    if (!reply.delay_ms) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, reply.delay_ms);
    timers.add(timer);
  }

  function json(status: number, value: unknown, contentType = "application/json"): ScriptedResponse {
    return { status, headers: { "content-type": contentType }, body: JSON.stringify(value) };
  }

  /** What the real service answers when nothing is scripted. */
  function defaultReply(path: string): ScriptedResponse {
    if (/\/emails$/.test(path)) return json(200, { id: randomUUID() });
    if (/\/Messages\.json$/.test(path)) return json(201, { sid: `SM${randomUUID().replaceAll("-", "")}` });
    return json(200, { ok: true });
  }

  function handle(request: http.IncomingMessage, body: string): ScriptedResponse {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, first = "", box = ""] = url.pathname.split("/");
    if (first === "r" && box) {
      const list = received.get(box) ?? [];
      list.push({ method: request.method ?? "GET", path: url.pathname + url.search, headers: request.headers, body });
      received.set(box, list);
      return scripts.get(box)?.shift() ?? defaultReply(url.pathname);
    }
    if (first === "__script" && box && request.method === "POST") {
      scripts.set(box, [...(scripts.get(box) ?? []), ...(JSON.parse(body) as ScriptedResponse[])]);
      return json(200, { ok: true });
    }
    if (first === "__received" && box) return json(200, received.get(box) ?? []);
    if (first === "__dns" && request.method === "POST") {
      for (const [name, ips] of Object.entries(JSON.parse(body) as Record<string, string[]>)) dns.set(name.toLowerCase(), ips);
      return json(200, { ok: true });
    }
    if (first === "dns-query") return json(200, dnsAnswer(url.searchParams), "application/dns-json");
    return json(404, { error: "not found" });
  }

  /** The JSON API of DNS-over-HTTPS resolvers (Cloudflare's, Google's): NXDOMAIN for names not in the table. */
  function dnsAnswer(query: URLSearchParams): unknown {
    const name = (query.get("name") ?? "").toLowerCase().replace(/\.$/, "");
    const type = DNS_TYPES[query.get("type") ?? "A"];
    const ips = dns.get(name);
    if (!ips || !type) return { Status: 3, Question: [{ name, type: type?.code ?? 0 }] };
    const Answer = ips.filter(type.matches).map((data) => ({ name, type: type.code, TTL: 60, data }));
    return { Status: 0, Question: [{ name, type: type.code }], Answer };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let reply: ScriptedResponse;
      try {
        reply = handle(request, Buffer.concat(chunks).toString("utf8"));
      } catch (error) {
        reply = json(400, { error: String(error) });
      }
      answer(response, reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the receiver has no port");

  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
