import { env } from "cloudflare:test";

/** The local receiver (test/receiver/server.ts) as the flows tests drive it: one box per test. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delay_ms?: number;
}

/** A fresh box: its URL prefix, and what it received. */
export function newBox(): { name: string; url: string } {
  const name = crypto.randomUUID();
  return { name, url: `${env.TEST_RECEIVER_URL}/r/${name}` };
}

export async function script(box: string, responses: ScriptedResponse[]): Promise<void> {
  const response = await fetch(`${env.TEST_RECEIVER_URL}/__script/${box}`, { method: "POST", body: JSON.stringify(responses) });
  if (!response.ok) throw new Error(`scripting failed: ${response.status}`);
}

export async function received(box: string): Promise<ReceivedRequest[]> {
  const response = await fetch(`${env.TEST_RECEIVER_URL}/__received/${box}`);
  return (await response.json()) as ReceivedRequest[];
}

/** Names the fake DNS-over-HTTPS resolver answers (others are NXDOMAIN). */
export async function setDns(table: Record<string, string[]>): Promise<void> {
  const response = await fetch(`${env.TEST_RECEIVER_URL}/__dns`, { method: "POST", body: JSON.stringify(table) });
  if (!response.ok) throw new Error(`setting DNS failed: ${response.status}`);
}
