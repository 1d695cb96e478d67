// Text renderings of a graph model: Mermaid (for Markdown) and Graphviz DOT
// (Burr's look). Labels are escaped; the entrypoint gets a start marker.
import type { GraphModel } from "./model.js";

export interface VisualizeOptions {
  /** Label actions "name(reads): writes", as Burr's include_state. */
  includeState?: boolean;
}

type Rendered = { names: string[]; label: (name: string) => string };

function collect(graph: GraphModel, opts: VisualizeOptions): Rendered {
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  for (const action of graph.actions) add(action.name);
  for (const transition of graph.transitions) {
    add(transition.from);
    add(transition.to);
  }
  if (graph.entrypoint) add(graph.entrypoint);
  const byName = new Map(graph.actions.map((action) => [action.name, action]));
  const label = (name: string) => {
    const action = byName.get(name);
    if (!opts.includeState || !action) return name;
    return `${name}(${action.reads.join(", ")}): ${action.writes.join(", ")}`;
  };
  return { names, label };
}

/** A Mermaid flowchart; paste it into Markdown inside a ```mermaid block. */
export function toMermaid(graph: GraphModel, opts: VisualizeOptions = {}): string {
  const { names, label } = collect(graph, opts);
  const ids = new Map(names.map((name, i) => [name, `a${i}`]));
  const lines = ["flowchart TD"];
  for (const name of names) lines.push(`  ${ids.get(name)}["${mermaidText(label(name))}"]`);
  if (graph.entrypoint) {
    lines.push("  start((start))");
    lines.push(`  start --> ${ids.get(graph.entrypoint)}`);
    lines.push(`  class ${ids.get(graph.entrypoint)} entrypoint`);
    lines.push("  classDef entrypoint stroke-width:3px");
  }
  for (const { from, to, condition } of graph.transitions) {
    const edge = condition && condition !== "default" ? `-->|"${mermaidText(condition)}"|` : "-->";
    lines.push(`  ${ids.get(from)} ${edge} ${ids.get(to)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Mermaid entity codes for characters that end or confuse a quoted label. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&|\r\n]/g, (ch) => (ch === "\n" || ch === "\r" ? " " : `#${ch.charCodeAt(0)};`));
}

/** A Graphviz digraph in Burr's style. */
export function toDot(graph: GraphModel, opts: VisualizeOptions = {}): string {
  const { names, label } = collect(graph, opts);
  const lines = [
    "digraph burr {",
    "  rankdir=TB;",
    "  ranksep=0.4;",
    '  node [shape=box, style="rounded,filled", fillcolor="#b4d8e4", fontname=Helvetica];',
    "  edge [fontname=Helvetica];",
  ];
  for (const name of names) {
    const entry = name === graph.entrypoint ? ", penwidth=3" : "";
    lines.push(`  ${dotString(name)} [label=${dotString(label(name))}${entry}];`);
  }
  if (graph.entrypoint) {
    lines.push('  "__start__" [shape=circle, label="start", style=filled, fillcolor="#ffffff", width=0.5];');
    lines.push(`  "__start__" -> ${dotString(graph.entrypoint)};`);
  }
  for (const { from, to, condition } of graph.transitions) {
    const attrs = condition && condition !== "default" ? ` [label=${dotString(condition)}]` : "";
    lines.push(`  ${dotString(from)} -> ${dotString(to)}${attrs};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}
