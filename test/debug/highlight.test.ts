// What the graph view is told at each stop: the current action, the path
// taken and how often each edge was used (the engine with a real replay).
import assert from "node:assert/strict";
import { join } from "node:path";
import { DebugEngine, type PathHighlight, type StopInfo } from "../../extension/src/debug/engine.js";
import { debugPanelKey } from "../../extension/src/debug/panelKey.js";
import { ReplaySource } from "../../extension/src/debug/replaySource.js";
import { pythonRuns } from "./support.js";

describe("debugger: graph highlight", function () {
  it("follows the path as the session steps forward and back", async () => {
    const highlights: PathHighlight[] = [];
    let onStop: ((info: StopInfo) => void) | null = null;
    const nextStop = () => new Promise<StopInfo>((resolve) => (onStop = resolve));
    const engine = new DebugEngine({
      stopped: (info) => onStop?.(info),
      output: () => undefined,
      breakpointsChanged: () => undefined,
      position: (_appId, graph, highlight) => {
        assert.equal(graph.entrypoint, "human_input");
        highlights.push(highlight);
      },
      ended: () => undefined,
    });
    engine.stopOnEntry = true;
    let stop = nextStop();
    await engine.start(new ReplaySource(join(pythonRuns, "seed-chatbot/chatbot-safe")));
    await stop;
    for (let i = 0; i < 4; i++) {
      stop = nextStop();
      engine.next();
      await stop;
    }
    assert.deepEqual(highlights.at(-1), {
      current: "safety_check",
      visited: ["human_input", "safety_check", "ai_response", "human_input"],
      edgeCounts: { "human_input->safety_check": 2, "safety_check->ai_response": 1, "ai_response->human_input": 1 },
    });
    stop = nextStop();
    await engine.stepBack();
    await stop;
    assert.deepEqual(highlights.at(-1), {
      current: "human_input",
      visited: ["human_input", "safety_check", "ai_response"],
      edgeCounts: { "human_input->safety_check": 1, "safety_check->ai_response": 1, "ai_response->human_input": 1 },
    });
    await engine.terminate();
  });

  it("two sessions of the same launch and app paint one panel; another app gets its own", async () => {
    const graphs: Parameters<typeof debugPanelKey>[1][] = [];
    for (let run = 0; run < 2; run++) {
      let ended!: () => void;
      const done = new Promise<void>((resolve) => (ended = resolve));
      const engine = new DebugEngine({
        stopped: () => setImmediate(() => engine.continue()),
        output: () => undefined,
        breakpointsChanged: () => undefined,
        position: (_appId, graph) => void graphs.push(graph),
        ended: () => ended(),
      });
      engine.stopOnEntry = true;
      await engine.start(new ReplaySource(join(pythonRuns, "seed-chatbot/chatbot-safe")));
      await done;
    }
    assert.ok(graphs.length >= 2, "each session told the graph where it stopped");
    const keys = new Set(graphs.map((g) => debugPanelKey("replay chatbot-safe", g)));
    assert.equal(keys.size, 1, "one panel for both sessions");
    const other = { ...graphs[0]!, actions: graphs[0]!.actions.filter((a) => a.name !== "unsafe_response") };
    assert.notEqual(debugPanelKey("replay chatbot-safe", other), [...keys][0]);
  });
});
