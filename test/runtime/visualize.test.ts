// toMermaid / toDot: structure, entrypoint marker, condition labels, escaping.
import assert from "node:assert/strict";
import { toDot, toMermaid, type GraphModel } from "burr-ts";

const graph: GraphModel = {
  entrypoint: "humanInput",
  actions: [
    { name: "humanInput", reads: [], writes: ["prompt"], inputs: ["prompt"], optionalInputs: [], streaming: false },
    { name: "safetyCheck", reads: ["prompt"], writes: ["safe"], inputs: [], optionalInputs: [], streaming: false },
    { name: "aiResponse", reads: ["prompt"], writes: ["response"], inputs: [], optionalInputs: [], streaming: true },
  ],
  transitions: [
    { from: "humanInput", to: "safetyCheck", condition: "default" },
    { from: "safetyCheck", to: "aiResponse", condition: "safe=true" },
    { from: "safetyCheck", to: "humanInput", condition: 'mode == "a|b" and n < 3 # "x"' },
    { from: "aiResponse", to: "humanInput", condition: "default" },
  ],
};

describe("toMermaid", () => {
  const text = toMermaid(graph);
  const lines = text.trim().split("\n");

  it("is a flowchart with one node per action, labelled by name", () => {
    assert.equal(lines[0], "flowchart TD");
    assert.ok(lines.includes('  a0["humanInput"]'));
    assert.ok(lines.includes('  a1["safetyCheck"]'));
    assert.ok(lines.includes('  a2["aiResponse"]'));
  });

  it("marks the entrypoint with a start node and a class", () => {
    assert.ok(lines.includes("  start((start))"));
    assert.ok(lines.includes("  start --> a0"));
    assert.ok(lines.includes("  class a0 entrypoint"));
  });

  it("labels conditional edges and leaves default edges plain", () => {
    assert.ok(lines.includes("  a0 --> a1"));
    assert.ok(lines.includes('  a1 -->|"safe=true"| a2'));
    assert.ok(lines.includes("  a2 --> a0"));
  });

  it("escapes quotes, pipes, angle brackets and # as entity codes", () => {
    const edge = lines.find((line) => line.startsWith("  a1 -->|") && line.endsWith("a0"));
    assert.equal(edge, '  a1 -->|"mode == #34;a#124;b#34; and n #60; 3 #35; #34;x#34;"| a0');
  });

  it("can label actions with their reads and writes", () => {
    assert.ok(toMermaid(graph, { includeState: true }).includes('a1["safetyCheck(prompt): safe"]'));
  });

  it("draws transitions to names that are not actions (so problems stay visible)", () => {
    const broken = toMermaid({ entrypoint: null, actions: [], transitions: [{ from: "x", to: "y", condition: "default" }] });
    assert.equal(broken, 'flowchart TD\n  a0["x"]\n  a1["y"]\n  a0 --> a1\n');
  });
});

describe("toDot", () => {
  const text = toDot(graph);

  it("is a digraph in Burr's style", () => {
    assert.ok(text.startsWith("digraph burr {\n"));
    assert.ok(text.trimEnd().endsWith("}"));
    assert.ok(text.includes('node [shape=box, style="rounded,filled", fillcolor="#b4d8e4", fontname=Helvetica];'));
  });

  it("marks the entrypoint and labels conditional edges", () => {
    assert.ok(text.includes('"humanInput" [label="humanInput", penwidth=3];'));
    assert.ok(text.includes('"__start__" -> "humanInput";'));
    assert.ok(text.includes('"safetyCheck" -> "aiResponse" [label="safe=true"];'));
    assert.ok(text.includes('"humanInput" -> "safetyCheck";'));
  });

  it("escapes quotes, backslashes and newlines in labels", () => {
    const odd = toDot({ entrypoint: "a", actions: [], transitions: [{ from: "a", to: "b", condition: 'x == "q\\\\"\nnext' }] });
    assert.ok(odd.includes('"a" -> "b" [label="x == \\"q\\\\\\\\\\"\\nnext"];'), odd);
    // Every line outside the attribute block has balanced (unescaped) quotes.
    for (const line of odd.split("\n")) {
      const quotes = line.replace(/\\\\/g, "").replace(/\\"/g, "").split('"').length - 1;
      assert.equal(quotes % 2, 0, line);
    }
  });
});
