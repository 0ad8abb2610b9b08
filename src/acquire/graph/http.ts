/**
 * Requests to Microsoft Graph through @microsoft/microsoft-graph-client, with our own retry policy
 * in place of the client's RetryHandler, so that every wait is logged and follows the service:
 * 429 and 5xx honour `Retry-After` (seconds or an HTTP date), back off exponentially where a
 * service sends none, and network errors are retried the same way.
 */
import { HTTPMessageHandler, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { MailtrailError } from "../../model/errors.js";
import type { TokenSource } from "./auth.js";
import { describe, type Redactor } from "../secrets.js";

export interface GraphResponse {
  status: number;
  body: unknown;
}

/** A 4xx the service will not change its mind about (the caller decides, e.g. an expired nextLink). */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string,
    readonly url: string,
  ) {
    super(`${status}${code ? ` ${code}` : ""}: ${detail}`);
    this.name = "GraphRequestError";
  }
}

export interface GraphHttpOptions {
  baseUrl: string;
  tokens: TokenSource;
  redactor: Redactor;
  log: (text: string) => void;
  /** Retries of one request before giving up (default 8). */
  retries?: number;
  /** First backoff when the service gives no Retry-After, doubled each time (default 2000 ms), capped at 120 s. */
  backoffMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body !== "object" || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return { ...(typeof code === "string" ? { code } : {}), ...(typeof message === "string" ? { message } : {}) };
}

/** A URL short enough for a log line (path and the start of the query). */
export function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const query = parsed.search.length > 60 ? `${parsed.search.slice(0, 57)}...` : parsed.search;
    return `${parsed.pathname}${query}`;
  } catch {
    return url.slice(0, 80);
  }
}

/**
 * Adds the bearer token, only for the Graph root we were given: a nextLink pointing anywhere else
 * never receives it. (The SDK's AuthenticationHandler knows only https Graph hosts.)
 */
class BearerHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly origin: string,
    private readonly tokens: TokenSource,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    if (new URL(url).origin !== this.origin) throw new MailtrailError("ACQUIRE", `refusing to send the Graph token to ${new URL(url).origin} (expected ${this.origin})`);
    const headers = (context.options?.headers ?? {}) as Record<string, string>;
    headers["Authorization"] = `Bearer ${await this.tokens.token()}`;
    context.options = { ...context.options, headers };
    if (this.next === undefined) throw new MailtrailError("INTERNAL", "Graph middleware chain has no transport");
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export class GraphHttp {
  private readonly chain: Middleware;

  constructor(private readonly options: GraphHttpOptions) {
    const bearer = new BearerHandler(new URL(options.baseUrl).origin, options.tokens);
    bearer.setNext(new HTTPMessageHandler());
    this.chain = bearer;
  }

  /** Absolute URL for a path relative to the Graph root (`v1.0/users`). */
  url(path: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  }

  async get(url: string): Promise<GraphResponse> {
    return this.send("GET", url);
  }

  async post(url: string, body: unknown): Promise<GraphResponse> {
    return this.send("POST", url, body);
  }

  private async send(method: "GET" | "POST", url: string, body?: unknown): Promise<GraphResponse> {
    const retries = this.options.retries ?? 8;
    const base = this.options.backoffMs ?? 2000;
    const redact = (text: string) => this.options.redactor.redact(text);
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        const headers: Record<string, string> = { Accept: "application/json", Prefer: "include-unknown-enum-members" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        const context: Context = { request: url, options: { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) } };
        await this.chain.execute(context);
        if (context.response === undefined) throw new Error("no response");
        response = context.response;
      } catch (error) {
        if (error instanceof MailtrailError) throw error;
        if (attempt >= retries) throw this.options.redactor.error("ACQUIRE", `${method} ${shortUrl(url)} failed ${attempt + 1} times: `, error);
        const wait = Math.min(base * 2 ** attempt, 120_000);
        this.options.log(redact(`${method} ${shortUrl(url)}: ${describe(error)}; retrying in ${(wait / 1000).toFixed(1)} s`));
        await sleep(wait);
        continue;
      }
      const text = await response.text();
      let parsed: unknown = undefined;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if (response.ok) return { status: response.status, body: parsed };
      const problem = errorOf(parsed);
      const detail = problem.message ?? (typeof parsed === "string" ? parsed.slice(0, 200) : response.statusText);
      if (response.status === 429 || response.status >= 500) {
        if (attempt >= retries) {
          throw new MailtrailError("ACQUIRE", redact(`${method} ${shortUrl(url)}: ${response.status} ${problem.code ?? ""} after ${attempt + 1} attempts: ${detail}`));
        }
        const asked = retryAfterMs(response.headers.get("retry-after"));
        const wait = asked ?? Math.min(base * 2 ** attempt, 120_000);
        const why = asked !== undefined ? `Retry-After ${response.headers.get("retry-after")}` : "no Retry-After, backing off";
        this.options.log(redact(`${method} ${shortUrl(url)}: ${response.status} ${response.statusText || problem.code || ""}; ${why}: waiting ${(wait / 1000).toFixed(1)} s`));
        await sleep(wait);
        continue;
      }
      throw new GraphRequestError(response.status, problem.code, redact(detail), url);
    }
  }
}
