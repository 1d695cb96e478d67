// Runs one parallel child as an application of its own, in this process:
// the in-process executor calls it, and so do the worker-thread and BullMQ
// workers on their side. With an initializer the child resumes from its
// persisted state; a child that already finished is not run again.
import type { PersistedStep, StateLoader } from "../persistence/types.js";
import type { State } from "../state/state.js";
import { ApplicationBuilder } from "./builder.js";
import type { ChildJob, ParentStep } from "./parallelTypes.js";

export async function runChildApp(job: ChildJob, parent: ParentStep): Promise<State> {
  const { graph, parts } = job;
  let builder = new ApplicationBuilder()
    .withGraph(graph.graph)
    .withIdentifiers({ appId: job.appId, partitionKey: parent.partitionKey })
    .withSpawningParent({ appId: parent.appId, sequenceId: parent.sequenceId, partitionKey: parent.partitionKey })
    .withDebugGate(null); // the debugger steps the parent; children run whole
  for (const t of parts.trackers) builder = builder.withTracker(t);
  for (const p of parts.persisters) builder = builder.withStatePersister(p);
  if (parts.hooks.length) builder = builder.withHooks(...parts.hooks);
  let loaded: PersistedStep | null = null;
  if (parts.initializer) {
    const initializer = parts.initializer;
    // Records what initializeFrom loaded, to tell a finished child from one to resume.
    const recording: StateLoader = {
      load: async (pk, appId, seq, opts) => (loaded = await initializer.load(pk, appId, seq, opts)),
      listAppIds: (pk) => initializer.listAppIds(pk),
    };
    const app = await builder
      .initializeFrom(recording, { defaultState: job.state, defaultEntrypoint: graph.entrypoint, resumeAtNextAction: true })
      .build();
    const done = loaded as PersistedStep | null;
    if (done && done.status === "completed" && graph.haltAfter.includes(done.position)) return done.state;
    return (await app.run({ haltAfter: graph.haltAfter, inputs: job.inputs })).state;
  }
  const app = builder.withEntrypoint(graph.entrypoint).withState(job.state).build();
  return (await app.run({ haltAfter: graph.haltAfter, inputs: job.inputs })).state;
}
