// Writes runs in Burr's tracking format (log.jsonl, graph.json, metadata.json;
// the record types are runtime/src/tracking/types.ts) for tests and the
// benchmark: the same records Python Burr's LocalTrackingClient writes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SpanSpec {
  name: string;
  startMs: number;
  endMs: number;
  attributes?: Record<string, unknown>;
  children?: SpanSpec[];
}

export interface StepSpec {
  action: string;
  inputs?: Record<string, unknown>;
  result?: Record<string, unknown> | null;
  state: Record<string, unknown>;
  error?: string;
  durationMs?: number;
  spans?: SpanSpec[];
  attributes?: Record<string, unknown>;
  stream?: { firstItemMs: number; endMs: number; items: number };
}

const naive = (ms: number) => new Date(ms).toISOString().replace("Z", "");
const utc = (ms: number) => new Date(ms).toISOString();

export function stepLines(seq: number, s: StepSpec, t0: number): string[] {
  const out: string[] = [];
  const rec = (o: object) => out.push(JSON.stringify(o));
  const end = t0 + (s.durationMs ?? 5);
  rec({ type: "begin_entry", start_time: naive(t0), action: s.action, inputs: s.inputs ?? {}, sequence_id: seq });
  if (s.stream) rec({ type: "begin_stream", action_sequence_id: seq, span_id: null, stream_init_time: utc(t0) });
  if (s.stream) rec({ type: "first_item_stream", action_sequence_id: seq, span_id: null, first_item_time: utc(t0 + s.stream.firstItemMs) });
  const spans = (list: SpanSpec[], parent: string | null, path: string) =>
    list.forEach((sp, i) => {
      const id = `${seq}:${path ? `${path}.` : ""}${i}`;
      rec({ type: "begin_span", start_time: naive(t0 + sp.startMs), action_sequence_id: seq, span_id: id, span_name: sp.name, parent_span_id: parent, span_dependencies: [] });
      for (const [key, value] of Object.entries(sp.attributes ?? {})) rec({ type: "attribute", key, action_sequence_id: seq, span_id: id, value, tags: {}, time_logged: utc(t0 + sp.startMs) });
      spans(sp.children ?? [], id, id.split(":")[1]);
      rec({ type: "end_span", end_time: naive(t0 + sp.endMs), action_sequence_id: seq, span_id: id });
    });
  spans(s.spans ?? [], null, "");
  for (const [key, value] of Object.entries(s.attributes ?? {})) rec({ type: "attribute", key, action_sequence_id: seq, span_id: null, value, tags: {}, time_logged: utc(end) });
  rec({
    type: "end_entry", end_time: naive(end), action: s.action, result: s.error ? null : (s.result ?? {}), exception: s.error ?? null,
    state: { ...s.state, __SEQUENCE_ID: seq, __PRIOR_STEP: s.action }, sequence_id: seq,
  });
  if (s.stream) rec({ type: "end_stream", action_sequence_id: seq, span_id: null, end_time: utc(t0 + s.stream.endMs), items_streamed: s.stream.items });
  return out;
}

export function writeRun(storageDir: string, project: string, appId: string, steps: StepSpec[], opts: { graph?: object | null; partitionKey?: string | null; t0?: number } = {}): string {
  const dir = join(storageDir, project, appId);
  mkdirSync(dir, { recursive: true });
  if (opts.graph !== null) writeFileSync(join(dir, "graph.json"), JSON.stringify(opts.graph ?? chatbotGraph));
  writeFileSync(join(dir, "metadata.json"), JSON.stringify({ type: "application_metadata", partition_key: opts.partitionKey ?? null, parent_pointer: null, spawning_parent_pointer: null }));
  let t = opts.t0 ?? Date.UTC(2026, 10, 24, 14, 0, 0);
  const lines: string[] = [];
  steps.forEach((s, i) => {
    lines.push(...stepLines(i, s, t));
    t += (s.durationMs ?? 5) + 1;
  });
  writeFileSync(join(dir, "log.jsonl"), lines.join("\n") + "\n");
  return dir;
}

export const chatbotGraph = {
  type: "application",
  entrypoint: "humanInput",
  actions: [
    { type: "action", name: "humanInput", reads: [], writes: ["prompt", "chatHistory"], code: "", inputs: [], optional_inputs: ["prompt"] },
    { type: "action", name: "safetyCheck", reads: ["prompt"], writes: ["safe"], code: "", inputs: [], optional_inputs: [] },
    { type: "action", name: "aiResponse", reads: ["chatHistory"], writes: ["response", "chatHistory"], code: "", inputs: [], optional_inputs: [] },
    { type: "action", name: "unsafeResponse", reads: [], writes: ["response", "chatHistory"], code: "", inputs: [], optional_inputs: [] },
  ],
  transitions: [
    { type: "transition", from_: "humanInput", to: "safetyCheck", condition: "default" },
    { type: "transition", from_: "safetyCheck", to: "unsafeResponse", condition: "safe=False" },
    { type: "transition", from_: "safetyCheck", to: "aiResponse", condition: "safe=True" },
    { type: "transition", from_: "unsafeResponse", to: "humanInput", condition: "default" },
    { type: "transition", from_: "aiResponse", to: "humanInput", condition: "default" },
  ],
};

/** A chatbot conversation of `turns` turns (3 steps each), for the run view and the benchmark. */
export function chatbotSteps(turns: number): StepSpec[] {
  const steps: StepSpec[] = [];
  const history: { role: string; content: string }[] = [];
  let carried: Record<string, unknown> = {};
  for (let i = 0; i < turns; i++) {
    const prompt = i === 0 ? "Who was Aaron Burr?" : `Tell me more (${i})`;
    history.push({ role: "user", content: prompt });
    steps.push({ action: "humanInput", inputs: { prompt }, result: { prompt }, state: { ...carried, chatHistory: [...history], prompt }, durationMs: 1 });
    steps.push({ action: "safetyCheck", result: { safe: true }, state: { ...carried, chatHistory: [...history], prompt, safe: true }, durationMs: 1 });
    const response = `Aaron Burr was the third Vice President of the United States (turn ${i}).`;
    history.push({ role: "assistant", content: response });
    carried = { safe: true, response };
    steps.push({
      action: "aiResponse", result: { response }, state: { chatHistory: [...history], prompt, safe: true, response }, durationMs: 840,
      spans: [
        { name: "buildPrompt", startMs: 2, endMs: 40, attributes: { messages: history.length - 1 } },
        { name: "llmCall", startMs: 45, endMs: 820, attributes: { model: "gpt-4o-mini", temperature: 0.2 }, children: [{ name: "streamTokens", startMs: 160, endMs: 815, attributes: { promptTokens: 312, completionTokens: 58 } }] },
      ],
      attributes: { costUsd: 0.00021 },
      stream: { firstItemMs: 160, endMs: 820, items: 58 },
    });
  }
  return steps;
}
