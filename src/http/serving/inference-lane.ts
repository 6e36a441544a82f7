/**
 * The inference lane: `POST /v2/models/{name}/infer` with a JSON body of known length goes from
 * Node's HTTP server straight to the serving routes' V2 handler, past Fastify's routing, hooks,
 * request and reply objects. On this path Fastify's own work is about a third of a bare Fastify
 * route's CPU (a bare Node JSON route answers 1.45× its requests/s here), which is as much as the
 * model, the protocol and the prediction log together.
 *
 * Everything else goes to Fastify as before, and so does any infer request the lane cannot take
 * exactly as Fastify would: another content type, a chunked body or one over the body limit, an
 * escaped name or a query string, a versioned path, a server that is closing (Fastify answers
 * 503). The lane answers with what the Fastify route answers (the same handler builds body,
 * headers, metrics, logs and errors); the serving e2e tests run through it.
 *
 * The lane hands the handler the body's text, which the common one-row request is decoded from
 * without parsing it first (decodeOneRowText); the body is parsed only when asked for. So a
 * body that is not JSON is found once the model is known: it is counted under the version it went
 * to (Fastify's route counts it with no version), and to a name no model has the lane answers 404
 * where Fastify's route answers 400.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parseJsonBody } from '../json-body.js';
import { servingRequestId } from './request-id.js';
import { JSON_TYPE, type InferReply, type InferRequest, type V2Infer } from './serving-routes.js';

const PREFIX = '/v2/models/';
const SUFFIX = '/infer';

/** The lane in front of one server's Fastify handler. */
export class InferenceLane {
  private infer: V2Infer | undefined;
  private isClosing = false;

  /**
   * @param bodyLimit Fastify's body limit: a longer body goes to Fastify, which answers 413.
   * @param headers Headers every response carries (Fastify's answers get them from an onRequest hook).
   */
  constructor(private readonly bodyLimit: number, readonly headers: Readonly<Record<string, string>> = {}) {}

  /** Whether the server is closing: answers then close their connection (closeConnectionsOnClose's rule). */
  get closing(): boolean {
    return this.isClosing;
  }

  /** Starts taking requests to the route `infer` answers. */
  serve(infer: V2Infer): void {
    this.infer = infer;
  }

  /** From now on requests go to Fastify (which answers 503 while closing) and answers close their connection. */
  close(): void {
    this.isClosing = true;
  }

  /** The server's request listener: the lane's requests here, the others to `fastify`. */
  listener(fastify: RequestListener): RequestListener {
    return (req, res) => {
      const name = this.infer !== undefined && !this.closing ? this.modelOf(req) : undefined;
      if (name === undefined) fastify(req, res);
      else this.take(name, req, res);
    };
  }

  /** The model name of a request the lane takes, else undefined. */
  private modelOf(req: IncomingMessage): string | undefined {
    const url = req.url!;
    if (req.method !== 'POST' || !url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return undefined;
    const { headers } = req;
    const type = headers['content-type'];
    if (type !== 'application/json' && !(type !== undefined && type.startsWith('application/json;'))) return undefined;
    const length = headers['content-length'];
    if (length === undefined || headers['transfer-encoding'] !== undefined || Number(length) > this.bodyLimit) return undefined;
    const name = url.slice(PREFIX.length, url.length - SUFFIX.length);
    return plainName(name) ? name : undefined;
  }

  /** Reads the body, then answers as the route does. */
  private take(name: string, req: IncomingMessage, res: ServerResponse): void {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    req.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('end', () => this.answer(name, req, res, more ? Buffer.concat(more).toString() : first?.toString() ?? ''));
    // A client that goes away mid-body: nothing to answer (without a listener the error would be thrown).
    req.on('error', () => undefined);
  }

  private answer(name: string, req: IncomingMessage, res: ServerResponse, text: string): void {
    const reply = new LaneReply(res, this);
    try {
      const answer = this.infer!(name, new LaneRequest(text, req.headers, servingRequestId(req)), reply);
      if (answer instanceof Promise) answer.then((b: unknown) => reply.finish(b), () => reply.crashed());
      else reply.finish(answer);
    } catch {
      reply.crashed();
    }
  }
}

/** The request `infer` reads: the body's text, parsed when asked for (a SyntaxError then is the handler's 400). */
class LaneRequest implements InferRequest {
  private parsed: unknown;
  private isParsed = false;

  constructor(readonly text: string, readonly headers: IncomingHttpHeaders, readonly id: string) {}

  get body(): unknown {
    if (!this.isParsed) {
      // The rule Fastify's routes read bodies by (installJsonParser).
      this.parsed = parseJsonBody(this.text);
      this.isParsed = true;
    }
    return this.parsed;
  }
}

/** A name with no `/` (a versioned path), `%` (Fastify decodes it) or `?`/`#` (a query). */
function plainName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2f || c === 0x25 || c === 0x3f || c === 0x23) return false;
  }
  return true;
}

/**
 * The reply `infer` writes to: headers and status kept until `send`, which writes the response
 * in one go as Fastify would (a string as it is, with the type set; anything else as JSON).
 */
class LaneReply implements InferReply {
  private status = 200;
  private readonly fields: Record<string, string>;
  private sent = false;

  constructor(private readonly res: ServerResponse, private readonly lane: InferenceLane) {
    this.fields = { ...lane.headers };
  }

  header(name: string, value: string): this {
    this.fields[name] = value;
    return this;
  }

  code(status: number): this {
    this.status = status;
    return this;
  }

  send(payload: unknown): this {
    if (this.sent) return this;
    this.sent = true;
    let text: string;
    if (typeof payload === 'string') text = payload;
    else {
      text = JSON.stringify(payload) ?? '';
      this.fields['content-type'] = JSON_TYPE;
    }
    this.fields['content-length'] = String(Buffer.byteLength(text));
    if (this.lane.closing) this.fields.connection = 'close';
    this.res.writeHead(this.status, this.fields);
    this.res.end(text);
    return this;
  }

  /** Sends what the handler returned, unless it answered already (an error). */
  finish(body: unknown): void {
    if (!this.sent && body !== undefined) this.send(body);
  }

  /** The handler threw or its promise failed (it answers its own errors, so a bug): a 500 rather than a hung request or a crash. */
  crashed(): void {
    if (!this.sent) this.code(500).send({ error: 'internal server error', code: 'INTERNAL' });
  }
}
