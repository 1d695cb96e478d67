// validateGraph: each problem code, its message and fix-it data; never throws.
import assert from "node:assert/strict";
import { validateGraph, type ActionModel, type GraphModel, type GraphProblem, type TransitionModel } from "burr-ts";

function act(name: string, reads: string[] = [], writes: string[] = []): ActionModel {
  return { name, reads, writes, inputs: [], optionalInputs: [], streaming: false };
}
function tr(from: string, to: string, condition = "default", keys?: string[]): TransitionModel {
  return keys ? { from, to, condition, keys } : { from, to, condition };
}

/** The chatbot of the introduction: a valid graph. */
function chatbot(): GraphModel {
  return {
    entrypoint: "humanInput",
    actions: [
      act("humanInput", [], ["prompt", "chatHistory"]),
      act("safetyCheck", ["prompt"], ["safe"]),
      act("aiResponse", ["chatHistory"], ["response", "chatHistory"]),
      act("unsafeResponse", [], ["response", "chatHistory"]),
    ],
    transitions: [
      tr("humanInput", "safetyCheck"),
      tr("safetyCheck", "unsafeResponse", "safe=false", ["safe"]),
      tr("safetyCheck", "aiResponse", "safe=true", ["safe"]),
      tr("unsafeResponse", "humanInput"),
      tr("aiResponse", "humanInput"),
    ],
  };
}

const codes = (problems: GraphProblem[]) => problems.map((p) => p.code);

describe("validateGraph", () => {
  it("finds nothing wrong with the chatbot", () => {
    assert.deepEqual(validateGraph(chatbot(), { appName: "chat", initialStateKeys: ["chatHistory"] }), []);
  });

  it("unknown-action for a transition target, with the nearest name as suggestion", () => {
    const graph = chatbot();
    graph.transitions[2] = tr("safetyCheck", "aiRespnse", "safe=true", ["safe"]);
    const problems = validateGraph(graph, { appName: "chat" });
    const unknown = problems.find((p) => p.code === "unknown-action");
    assert.ok(unknown);
    assert.equal(unknown.severity, "error");
    assert.equal(unknown.action, "aiRespnse");
    assert.equal(unknown.transition, 2);
    assert.equal(unknown.suggestion, "aiResponse");
    assert.match(unknown.message, /^App "chat": /);
    assert.match(unknown.message, /safetyCheck → aiRespnse when safe=true/);
    assert.match(unknown.message, /Did you mean "aiResponse"\?/);
    assert.match(unknown.message, /add "aiRespnse" to withActions/);
  });

  it("unknown-action for a transition source and for the entrypoint", () => {
    const graph = chatbot();
    graph.transitions.push(tr("nowhere", "humanInput"));
    graph.entrypoint = "humanInputs";
    const problems = validateGraph(graph);
    const fromProblem = problems.find((p) => p.code === "unknown-action" && p.action === "nowhere");
    assert.ok(fromProblem);
    assert.match(fromProblem.message, /starts at "nowhere"/);
    assert.equal(fromProblem.suggestion, undefined, "no name is close to 'nowhere'");
    const entry = problems.find((p) => p.code === "unknown-action" && p.action === "humanInputs");
    assert.ok(entry);
    assert.equal(entry.suggestion, "humanInput");
    assert.match(entry.message, /entrypoint "humanInputs" is not an action/);
  });

  it("duplicate-action", () => {
    const graph = chatbot();
    graph.actions.push(act("safetyCheck"));
    const problems = validateGraph(graph, { appName: "chat" });
    assert.deepEqual(codes(problems), ["duplicate-action"]);
    assert.equal(problems[0].action, "safetyCheck");
    assert.match(problems[0].message, /declared more than once/);
  });

  it("missing-entrypoint suggests the first action", () => {
    const graph = chatbot();
    graph.entrypoint = null;
    const problems = validateGraph(graph);
    assert.deepEqual(codes(problems), ["missing-entrypoint"]);
    assert.equal(problems[0].suggestion, "humanInput");
    assert.match(problems[0].message, /withEntrypoint\("humanInput"\)/);
  });

  it("unreachable-action is a warning naming the action and the entrypoint", () => {
    const graph = chatbot();
    graph.actions.push(act("orphan"));
    const problems = validateGraph(graph, { appName: "chat" });
    assert.deepEqual(codes(problems), ["unreachable-action"]);
    assert.equal(problems[0].severity, "warning");
    assert.equal(problems[0].action, "orphan");
    assert.match(problems[0].message, /"orphan" can never run.*"humanInput"/);
  });

  it("shadowed-transition: transitions after an unconditional one from the same action", () => {
    const graph = chatbot();
    graph.transitions.splice(1, 0, tr("safetyCheck", "aiResponse"));
    const problems = validateGraph(graph);
    assert.deepEqual(codes(problems), ["shadowed-transition", "shadowed-transition"]);
    assert.deepEqual(problems.map((p) => p.transition), [2, 3]);
    assert.equal(problems[0].severity, "warning");
    assert.match(problems[0].message, /safetyCheck → unsafeResponse when safe=false is never taken/);
    assert.match(problems[0].message, /move the unconditional one last/);
  });

  it("a default transition last is fine", () => {
    const graph = chatbot();
    graph.transitions[2] = tr("safetyCheck", "aiResponse");
    assert.deepEqual(validateGraph(graph), []);
  });

  it("never-written: a read or tested key nothing writes, only when the initial keys are known", () => {
    const graph = chatbot();
    graph.actions[1] = act("safetyCheck", ["prompt", "policy"], ["safe"]);
    graph.transitions[1] = tr("safetyCheck", "unsafeResponse", "blocked", ["blocked"]);
    const problems = validateGraph(graph, { appName: "chat", initialStateKeys: ["chatHistory"] });
    assert.deepEqual(codes(problems), ["never-written", "never-written"]);
    assert.deepEqual(problems.map((p) => p.key), ["policy", "blocked"]);
    assert.equal(problems[0].action, "safetyCheck");
    assert.match(problems[0].message, /action "safetyCheck" reads state key "policy"/);
    assert.match(problems[0].message, /withState/);
    assert.equal(problems[1].transition, 1);
    assert.match(problems[1].message, /condition "blocked"/);
    assert.deepEqual(validateGraph(graph, { initialStateKeys: null }), [], "unknown initial state: say nothing");
    assert.deepEqual(validateGraph(graph, { initialStateKeys: ["chatHistory", "policy", "blocked"] }), []);
  });

  it("reports every problem at once", () => {
    const graph: GraphModel = {
      entrypoint: null,
      actions: [act("a"), act("a"), act("b")],
      transitions: [tr("a", "c"), tr("a", "b")],
    };
    assert.deepEqual(codes(validateGraph(graph)), ["duplicate-action", "missing-entrypoint", "unknown-action", "redundant-default"]);
  });

  it("redundant-default: a second unconditional transition from one action is an error, as in Burr", () => {
    const graph = chatbot();
    graph.transitions.splice(1, 0, tr("safetyCheck", "aiResponse"), tr("safetyCheck", "unsafeResponse"));
    const problems = validateGraph(graph, { appName: "chat" });
    const redundant = problems.filter((p) => p.code === "redundant-default");
    assert.equal(redundant.length, 1);
    assert.equal(redundant[0].severity, "error");
    assert.equal(redundant[0].action, "safetyCheck");
    assert.equal(redundant[0].transition, 2);
    assert.match(redundant[0].message, /App "chat": transition safetyCheck → unsafeResponse is redundant: action "safetyCheck" already has an unconditional transition \(safetyCheck → aiResponse\)/);
    assert.match(redundant[0].message, /Remove one of them, or give the first a condition/);
  });

  it("an unknown name without a near match says what to add, not \"Otherwise\"", () => {
    const graph = chatbot();
    graph.transitions[0] = tr("humanInput", "zzzzzzzzzz");
    const [problem] = validateGraph(graph, { appName: "chat" }).filter((p) => p.code === "unknown-action");
    assert.doesNotMatch(problem.message, /Otherwise/);
    assert.match(problem.message, /App "chat": transition humanInput → zzzzzzzzzz goes to "zzzzzzzzzz", which is not an action. Add "zzzzzzzzzz" to withActions, or name one of its actions \("humanInput", /);
  });

  it("never throws on a malformed model", () => {
    const broken = { entrypoint: "a", actions: [{ name: "a" }], transitions: [{ from: "a", to: "a", condition: "x", keys: ["k"] }] };
    assert.doesNotThrow(() => validateGraph(broken as unknown as GraphModel, { initialStateKeys: [] }));
    assert.doesNotThrow(() => validateGraph({} as GraphModel));
    assert.deepEqual(codes(validateGraph({} as GraphModel)), ["missing-entrypoint"]);
  });

  it("is linear enough for large graphs (2,000 actions, 4,000 transitions)", () => {
    const actions = Array.from({ length: 2000 }, (_, i) => act(`step${i}`, [`k${i}`], [`k${i + 1}`]));
    const transitions = actions.flatMap((_, i) => [tr(`step${i}`, `step${(i + 1) % 2000}`, `k${i}=true`, [`k${i}`]), tr(`step${i}`, `step0`)]);
    const problems = validateGraph({ entrypoint: "step0", actions, transitions }, { initialStateKeys: ["k0"] });
    assert.deepEqual(problems, []);
  });
});
