// Server-Sent Events for a turn. Two dialects: burr-ts's own (`step`, `chunk`,
// `done`, `error` events) and the AI SDK's UI message stream protocol, so a
// `useChat` frontend can talk to an app unchanged. The stream pulls one event
// at a time, so a slow client slows the app rather than filling memory; a
// client that goes away cancels the stream, which stops the turn before the
// step in progress is committed.
import { randomUUID } from "node:crypto";
import { describeError, type ErrorLogger } from "./errors.js";
import type { DoneEvent, TurnEvent, TurnEventSource } from "./run.js";
import type { StreamReply } from "./incoming.js";

const encoder = new TextEncoder();

export interface SseSource {
  events: TurnEventSource;
  /** The turn's first event, already taken (the handler awaits it to answer a refused turn with its status). */
  first: IteratorResult<TurnEvent, void>;
  /** Called once when the stream ends: `completed` when the turn reached `done`. */
  release: (completed: boolean) => void;
  log: ErrorLogger;
}

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" };

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function dataFrame(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/**
 * An event stream before it is a Response: frames pulled one event at a time.
 * The Node adapter writes the frames to the socket; toResponse() makes the web
 * stream for every other host.
 */
export class SseReply implements StreamReply {
  readonly status = 200;
  private ended = false;
  private released = false;
  private first: IteratorResult<TurnEvent, void> | null;

  constructor(
    readonly headers: Record<string, string>,
    private readonly source: SseSource,
    private readonly encode: (e: TurnEvent) => string[],
    private readonly onError: (error: unknown) => string[],
    private readonly tail: () => string[],
  ) {
    this.first = source.first;
  }

  private finish(completed: boolean): void {
    this.ended = true;
    if (this.released) return;
    this.released = true;
    this.source.release(completed);
  }

  /** The next event's frames; null once the stream has ended. */
  async next(): Promise<string[] | null> {
    if (this.ended) return null;
    try {
      let n = this.first;
      this.first = null;
      n ??= await this.source.events.next();
      if (!n.done) return this.encode(n.value);
      const last = this.tail();
      this.finish(true);
      return last;
    } catch (error) {
      const last = this.onError(error);
      this.finish(false);
      return last;
    }
  }

  /**
   * The client went away: the turn stops at its next event, before the step
   * in progress is committed. Not awaited: that event may be a model call
   * still in flight, and the app is free for the next request now.
   */
  cancel(): void {
    this.finish(false);
    this.source.events.return().catch(() => undefined);
  }

  toResponse(): Response {
    const stream = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const frames = await this.next();
        if (frames === null) return controller.close();
        for (const f of frames) controller.enqueue(encoder.encode(f));
        if (this.ended) controller.close();
      },
      cancel: () => this.cancel(),
    });
    return new Response(stream, { status: this.status, headers: this.headers });
  }
}

/** burr-ts's own events: step, chunk, done, error. */
export function burrEventStream(source: SseSource): SseReply {
  return new SseReply(
    SSE_HEADERS,
    source,
    (e) => [frame(e.event, e.data)],
    (error) => {
      const { status, body } = describeError(error, source.log);
      return [frame("error", { status, ...body.error })];
    },
    () => [],
  );
}

/** How a turn's events become the assistant message's text in the UI message stream. */
export interface UiTextOptions {
  /** The text of one streamed item (default: its `delta` when that is a string). */
  chunkText?: (item: Record<string, unknown>, action: string) => string | undefined;
  /** Text to send when nothing was streamed in the turn, e.g. a refusal from a plain action. */
  resultText?: (done: DoneEvent) => string | undefined;
}

/**
 * The AI SDK's UI message stream (v1): start, text-start/-delta/-end,
 * `data-burr-step` parts (transient) for every step, finish, [DONE].
 */
export function uiMessageStream(source: SseSource, text: UiTextOptions): SseReply {
  const messageId = randomUUID();
  const textId = `text-${messageId}`;
  let textOpen = false;
  const chunkText = text.chunkText ?? ((item) => (typeof item.delta === "string" ? item.delta : undefined));
  const openText = (): string[] => {
    if (textOpen) return [];
    textOpen = true;
    return [dataFrame({ type: "text-start", id: textId })];
  };
  let started = false;
  const start = (): string[] => {
    if (started) return [];
    started = true;
    return [dataFrame({ type: "start", messageId }), dataFrame({ type: "start-step" })];
  };
  return new SseReply(
    { ...SSE_HEADERS, "x-vercel-ai-ui-message-stream": "v1" },
    source,
    (e) => {
      const out = start();
      if (e.event === "chunk") {
        const delta = chunkText(e.data.item, e.data.action);
        if (delta) out.push(...openText(), dataFrame({ type: "text-delta", id: textId, delta }));
      } else if (e.event === "step") {
        out.push(dataFrame({ type: "data-burr-step", data: e.data, transient: true }));
      } else {
        if (!textOpen) {
          const final = text.resultText?.(e.data);
          if (final) out.push(...openText(), dataFrame({ type: "text-delta", id: textId, delta: final }));
        }
        if (textOpen) out.push(dataFrame({ type: "text-end", id: textId }));
        out.push(dataFrame({ type: "data-burr-done", data: e.data, transient: true }));
        out.push(dataFrame({ type: "finish-step" }), dataFrame({ type: "finish" }));
      }
      return out;
    },
    (error) => {
      const { body } = describeError(error, source.log);
      return [...start(), dataFrame({ type: "error", errorText: `${body.error.type}: ${body.error.message}` })];
    },
    () => [dataFrame("[DONE]")],
  );
}
