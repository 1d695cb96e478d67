// The worker-thread side of WorkerThreadsExecutor: imports the user's
// `children` registry once, then runs each child it is sent and replies with
// its final state (or its error).
import { parentPort, workerData } from "node:worker_threads";
import type { ActionBase } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import { State } from "../state/state.js";
import { runChildApp } from "./childRun.js";
import type { ParentStep } from "./parallelTypes.js";
import { RunnableGraph, type SubTarget } from "./runnableGraph.js";

interface ChildMessage {
  id: number;
  name: string;
  appId: string;
  state: Record<string, unknown>;
  inputs: Record<string, unknown>;
  parent: ParentStep;
}

const modulePath = (workerData as { module: string }).module;
const registry: Promise<Record<string, SubTarget>> = import(modulePath).then((m: { children?: unknown; default?: { children?: unknown } }) => {
  const children = m.children ?? m.default?.children;
  if (!children || typeof children !== "object") {
    throw new ConfigurationError(`WorkerThreadsExecutor: ${modulePath} must export \`children\`, a registry { name: action or RunnableGraph }`);
  }
  return children as Record<string, SubTarget>;
});

const empty = { trackers: [], persisters: [], initializer: null, hooks: [], cascaded: { tracker: false, persister: false, initializer: false, hooks: false } };

parentPort!.on("message", async (msg: ChildMessage) => {
  try {
    const children = await registry;
    const target = Object.prototype.hasOwnProperty.call(children, msg.name) ? children[msg.name] : undefined;
    if (!target) {
      throw new ConfigurationError(
        `WorkerThreadsExecutor: child "${msg.name}" is not in the \`children\` registry of ${modulePath}; export it there under that name (known: ${Object.keys(children).join(", ") || "none"})`,
        { action: msg.name },
      );
    }
    const graph = target instanceof RunnableGraph ? target : RunnableGraph.create(isActionLike(target) ? { [msg.name]: target as ActionBase } : target, msg.name);
    const state = await runChildApp(
      { index: 0, name: msg.name, graph, state: State.deserialize(msg.state), inputs: msg.inputs, appId: msg.appId, parts: empty },
      msg.parent,
    );
    parentPort!.postMessage({ id: msg.id, state: state.serialize() });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ id: msg.id, error: { name: err.name, message: err.message, stack: err.stack } });
  }
});

function isActionLike(t: SubTarget): boolean {
  return typeof (t as { execute?: unknown }).execute === "function";
}
