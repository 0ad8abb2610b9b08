/**
 * Minimal raw IMAP and POP3 clients for the scenario: what imapflow cannot do (non-PEEK
 * FETCH, several LOGIN guesses on one connection, POP3) and what attack tools look like
 * (no client ID, bare LOGIN). Each binds its source address and records its local port,
 * which Dovecot logs as `rport` and which joins a scripted session to its log lines.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";

export type Transport = "plain" | "starttls" | "imaps";

export interface ImapResponse {
  /** The response text with each literal replaced by `{n}` as sent. */
  text: string;
  literals: Buffer[];
}

export interface TaggedResult {
  status: "OK" | "NO" | "BAD";
  text: string;
  untagged: ImapResponse[];
}

interface Pending {
  tag: string;
  untagged: ImapResponse[];
  resolve: (result: TaggedResult) => void;
  reject: (error: Error) => void;
}

/** Reads CRLF lines and `{n}` literals from a growing buffer. */
class ResponseReader {
  private buffer = Buffer.alloc(0);
  private current: ImapResponse = { text: "", literals: [] };
  private literalLeft = -1;

  push(chunk: Buffer, emit: (response: ImapResponse) => void): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.literalLeft >= 0) {
        if (this.buffer.length < this.literalLeft) return;
        this.current.literals.push(this.buffer.subarray(0, this.literalLeft));
        this.buffer = this.buffer.subarray(this.literalLeft);
        this.literalLeft = -1;
        continue;
      }
      const eol = this.buffer.indexOf("\r\n");
      if (eol < 0) return;
      const line = this.buffer.subarray(0, eol).toString("utf8");
      this.buffer = this.buffer.subarray(eol + 2);
      this.current.text += line;
      const literal = /\{(\d+)\+?\}$/.exec(line);
      if (literal) {
        this.literalLeft = Number(literal[1]);
        continue;
      }
      emit(this.current);
      this.current = { text: "", literals: [] };
    }
  }
}

export interface RawConnectOptions {
  host: string;
  port: number;
  localAddress: string;
  transport: Transport;
}

export class RawImap {
  readonly localPort: number;
  private socket: Socket | TLSSocket;
  private reader = new ResponseReader();
  private pending: Pending | undefined;
  private tagCounter = 0;
  private greeting: Promise<ImapResponse>;
  private onGreeting: ((response: ImapResponse) => void) | undefined;
  /** Untagged responses that arrived with no command running (greeting, BYE). */
  readonly unsolicited: ImapResponse[] = [];

  private constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.localPort = socket.localPort ?? 0;
    this.greeting = new Promise((resolve) => (this.onGreeting = resolve));
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on("data", (chunk: Buffer) => this.reader.push(chunk, (response) => this.dispatch(response)));
    socket.on("error", (error) => this.pending?.reject(error));
    socket.on("close", () => this.pending?.reject(new Error("connection closed")));
  }

  private dispatch(response: ImapResponse): void {
    if (this.onGreeting) {
      const done = this.onGreeting;
      this.onGreeting = undefined;
      done(response);
      return;
    }
    const pending = this.pending;
    if (!pending) {
      this.unsolicited.push(response);
      return;
    }
    if (response.text.startsWith(`${pending.tag} `)) {
      this.pending = undefined;
      const rest = response.text.slice(pending.tag.length + 1);
      const status = rest.split(" ", 1)[0] as TaggedResult["status"];
      pending.resolve({ status, text: rest, untagged: pending.untagged });
      return;
    }
    pending.untagged.push(response);
  }

  static async connect(options: RawConnectOptions): Promise<RawImap> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const base = { host: options.host, port: options.port, localAddress: options.localAddress };
      const s =
        options.transport === "imaps"
          ? tlsConnect({ ...base, rejectUnauthorized: false }, () => resolve(s))
          : netConnect(base, () => resolve(s));
      s.once("error", reject);
    });
    const client = new RawImap(socket);
    await client.greeting;
    if (options.transport === "starttls") await client.startTls();
    return client;
  }

  private async startTls(): Promise<void> {
    const result = await this.command("STARTTLS");
    if (result.status !== "OK") throw new Error(`STARTTLS refused: ${result.text}`);
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("error");
    plain.removeAllListeners("close");
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once("error", reject);
    });
    this.reader = new ResponseReader();
    this.attach(this.socket);
  }

  /** Sends one command (literals given as `{n}` are not supported: use `append`). */
  command(text: string): Promise<TaggedResult> {
    if (this.pending) throw new Error("RawImap runs one command at a time");
    const tag = `R${String(++this.tagCounter).padStart(3, "0")}`;
    return new Promise((resolve, reject) => {
      this.pending = { tag, untagged: [], resolve, reject };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** `LOGIN` with quoted strings; resolves to the tagged result (NO on a wrong password). */
  login(user: string, password: string): Promise<TaggedResult> {
    const quote = (value: string) => `"${value.replace(/(["\\])/g, "\\$1")}"`;
    return this.command(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /** `AUTHENTICATE PLAIN` with an initial response (SASL-IR, which Dovecot advertises). */
  authenticatePlain(user: string, password: string): Promise<TaggedResult> {
    const token = Buffer.from(`\0${user}\0${password}`).toString("base64");
    return this.command(`AUTHENTICATE PLAIN ${token}`);
  }

  async logout(): Promise<void> {
    await this.command("LOGOUT").catch(() => undefined);
    this.socket.end();
  }

  /** Closes without LOGOUT (a tool that just drops the connection). */
  drop(): void {
    this.socket.destroy();
  }
}

/** `* n FETCH (UID u ... BODY[] {size})` responses: uid and the first literal. */
export function fetchedMessages(responses: ImapResponse[]): { uid: number; body: Buffer | undefined }[] {
  const out: { uid: number; body: Buffer | undefined }[] = [];
  for (const response of responses) {
    const match = /^\* \d+ FETCH .*\bUID (\d+)/.exec(response.text);
    if (match) out.push({ uid: Number(match[1]), body: response.literals[0] });
  }
  return out;
}

/** The Message-ID header of a raw message. */
export function messageIdOf(raw: Buffer | string): string | undefined {
  const text = raw.toString();
  const headerEnd = text.search(/\r?\n\r?\n/);
  const match = /^message-id:\s*(<[^>\r\n]+>)/im.exec(headerEnd >= 0 ? text.slice(0, headerEnd) : text);
  return match?.[1];
}

export class RawPop3 {
  readonly localPort: number;
  private buffer = "";
  private waiter: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    this.localPort = socket.localPort ?? 0;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async connect(options: { host: string; port: number; localAddress: string }): Promise<RawPop3> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect(options, () => resolve(s));
      s.once("error", reject);
    });
    const client = new RawPop3(socket);
    await client.read(false);
    return client;
  }

  private async read(multiline: boolean): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end >= 0) {
        const first = this.buffer.slice(0, end);
        const terminator = multiline && first.startsWith("+OK") ? this.buffer.indexOf("\r\n.\r\n", end) : end;
        if (terminator >= 0) {
          const length = multiline && first.startsWith("+OK") ? terminator + 5 : end + 2;
          const response = this.buffer.slice(0, length);
          this.buffer = this.buffer.slice(length);
          return response;
        }
      }
      if (this.closed) throw new Error("POP3 connection closed");
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  async command(text: string, multiline = false): Promise<string> {
    this.socket.write(`${text}\r\n`);
    const response = await this.read(multiline);
    if (!response.startsWith("+OK")) throw new Error(`POP3 ${text.split(" ")[0]} failed: ${response.trim()}`);
    return response;
  }

  async quit(): Promise<void> {
    await this.command("QUIT").catch(() => undefined);
    this.socket.end();
  }
}
