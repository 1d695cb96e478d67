// Graph models the webview tests feed the view, shaped as the language server
// sends them (AppGraph → GraphViewModel).
import type { GraphViewModel } from "../../webview/src/protocol/graph.js";
import type { ActionModel, GraphModel, SourceRange } from "../../runtime/src/graph/model.js";

const file = "file:///workspace/chatbot/app.ts";
const at = (line: number, length = 10): SourceRange => ({ file, start: { line, character: 6 }, end: { line, character: 6 + length } });

function act(name: string, line: number, spec: Partial<ActionModel> = {}): ActionModel {
  return { name, reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false, source: at(line, name.length), ...spec };
}

export function chatbotGraph(): GraphModel {
  return {
    entrypoint: "humanInput",
    actions: [
      act("humanInput", 3, { writes: ["prompt", "chatHistory"], inputs: ["prompt"] }),
      act("safetyCheck", 9, { reads: ["prompt"], writes: ["safe"] }),
      act("aiResponse", 14, { reads: ["chatHistory"], writes: ["response", "chatHistory"], streaming: true }),
      act("unsafeResponse", 22, { writes: ["response", "chatHistory"] }),
    ],
    transitions: [
      { from: "humanInput", to: "safetyCheck", condition: "default", source: at(31, 30) },
      { from: "safetyCheck", to: "unsafeResponse", condition: "safe=false", keys: ["safe"], source: at(32, 50) },
      { from: "safetyCheck", to: "aiResponse", condition: "safe=true", keys: ["safe"], source: at(33, 50) },
      { from: "unsafeResponse", to: "humanInput", condition: "default", source: at(34, 40) },
      { from: "aiResponse", to: "humanInput", condition: "default", source: at(34, 40) },
    ],
  };
}

export function chatbotView(graph: GraphModel = chatbotGraph()): GraphViewModel {
  return { appKey: `${file}#app`, title: "app — chatbot/app.ts", graph, problems: [] };
}

/** A long pipeline with branches and loops back: `size` actions. */
export function largeGraph(size: number): GraphModel {
  const actions = Array.from({ length: size }, (_, i) => act(`step${i}`, i, { reads: [`k${i}`], writes: [`k${i + 1}`] }));
  const transitions: GraphModel["transitions"] = [];
  for (let i = 0; i + 1 < size; i++) {
    transitions.push({ from: `step${i}`, to: `step${i + 1}`, condition: i % 3 === 0 ? `k${i + 1} > ${i}` : "default" });
    if (i % 5 === 4 && i + 3 < size) transitions.push({ from: `step${i}`, to: `step${i + 3}`, condition: `skip${i}` });
    if (i % 10 === 9) transitions.push({ from: `step${i}`, to: `step${i - 7}`, condition: `retry${i}` });
  }
  return { entrypoint: "step0", actions, transitions };
}
