// Hover on an action: its reads, writes, inputs and transitions in and out.
import type { Hover, Position } from "vscode-languageserver";
import { actionName } from "../analysis/actionChecks.js";
import type { AppModel, FileAnalysis } from "../analysis/types.js";
import { targetAt } from "./locate.js";

const list = (xs: string[]): string => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "—");

export function actionHover(app: AppModel, name: string): string {
  const action = app.graph.actions.find((a) => a.name === name);
  const lines = [`**${action?.streaming ? "streaming action" : "action"}** \`${name}\` in app \`${app.name}\`${app.graph.entrypoint === name ? " (entrypoint)" : ""}`, ""];
  if (action) {
    lines.push(`- reads: ${list(action.reads)}`, `- writes: ${list(action.writes)}`, `- inputs: ${list(action.inputs)}`);
    if (action.optionalInputs.length) lines.push(`- optional inputs: ${list(action.optionalInputs)}`);
  } else lines.push(`- not an action of this app`);
  const into = app.graph.transitions.filter((t) => t.to === name);
  const out = app.graph.transitions.filter((t) => t.from === name);
  const cond = (c: string): string => (c === "default" ? "" : ` when \`${c}\``);
  lines.push(`- in: ${into.length ? into.map((t) => `\`${t.from}\`${cond(t.condition)}`).join(", ") : "—"}`);
  lines.push(`- out: ${out.length ? out.map((t) => `\`${t.to}\`${cond(t.condition)}`).join(", ") : "— (ends the run)"}`);
  return lines.join("\n");
}

export function hover(analysis: FileAnalysis, pos: Position): Hover | null {
  const t = targetAt(analysis, pos);
  if (!t) return null;
  if (t.kind === "name") return { contents: { kind: "markdown", value: actionHover(t.app, t.name) }, range: t.occurrence.range };
  if (t.apps.length > 0) return { contents: { kind: "markdown", value: t.apps.map((a) => actionHover(a.app, a.name)).join("\n\n---\n\n") } };
  const d = t.def;
  const value = [
    `**action** \`${actionName(d)}\``, "",
    `- reads: ${list(d.reads?.items.map((r) => r.name) ?? [])}`,
    `- writes: ${list(d.writes?.items.map((r) => r.name) ?? [])}`,
    `- inputs: ${list(d.inputs?.items.map((r) => r.name) ?? [])}`,
  ].join("\n");
  return { contents: { kind: "markdown", value }, range: d.range };
}
