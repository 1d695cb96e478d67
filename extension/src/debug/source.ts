// Where steps come from: a live program (through the debug gate) or a tracked
// run being replayed. The engine drives either through this one interface.
import type { GraphModel } from "../../../runtime/src/graph/model.js";
import type { FrameData, StepSummary, WireValue } from "../../../runtime/src/debug/protocol.js";

export type { FrameData, StepSummary, WireValue };

export interface AppParent {
  appId: string;
  partitionKey: string | null;
  sequenceId: number | null;
}

export interface SourceEvents {
  /** A new app; `parent` is the step it was forked from, if any. */
  app(appId: string, graph: GraphModel, parent?: AppParent | null): void;
  /** A step is about to run and waits for resume(). */
  beforeStep(step: StepSummary): void;
  stepped(step: StepSummary, next: { to: string; transitionIndex: number } | null): void;
  /** A step threw and waits for resume(); the state before it is kept. */
  failed(step: StepSummary, error: { name: string; message: string; stack: string | null }): void;
  output(category: "stdout" | "stderr" | "console", text: string): void;
  /** Replay with the program: the current code diverged from the record; waits for resume(), then the run ends. */
  diverged(step: StepSummary, info: DivergenceInfo): void;
  /** The program exited (or the replay was closed). */
  ended(summary: string): void;
}

export interface DivergenceInfo {
  /** The step ran (the frame is a step taken) or never started (another action was chosen). */
  ran: boolean;
  /** The report as `burr-ts replay` prints it. */
  report: string;
  divergence: { kind: string; key: string | null; message: string };
}

export interface StepSource {
  readonly kind: "program" | "replay";
  start(events: SourceEvents): Promise<void>;
  resume(appId: string, retry: boolean): void;
  frame(appId: string, index: number): Promise<FrameData>;
  evaluate(appId: string, index: number, expression: string): Promise<WireValue>;
  /** `note`: something the debug console should say about the rewind (e.g. it crossed a run() call). */
  rewind(appId: string, index: number): Promise<StepSummary & { note?: string }>;
  setValue(appId: string, path: (string | number)[], value: WireValue): Promise<WireValue>;
  /** Stop the program (or the replay); resolves when it is gone. */
  terminate(): Promise<void>;
}
