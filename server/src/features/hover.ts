// Hover on an action: its reads, writes, inputs and transitions in and out;
// on a declaration (or an import of one), that for every app using it.
import type { Hover, Position, Range } from "vscode-languageserver";
import { actionName } from "../analysis/actionChecks.js";
import { appsSharing, sharedPlace } from "../analysis/sharing.js";
import type { ActionDef, AppModel, FileAnalysis, SourceRange } from "../analysis/types.js";
import { singleFile, targetAt, type AppLookup, type Use } from "./locate.js";

const list = (xs: string[]): string => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "—");
const cond = (c: string): string => (c === "default" ? "" : ` when \`${c}\``);

function transitionLines(app: AppModel, name: string): string[] {
  const into = app.graph.transitions.filter((t) => t.to === name);
  const out = app.graph.transitions.filter((t) => t.from === name);
  return [
    `- in: ${into.length ? into.map((t) => `\`${t.from}\`${cond(t.condition)}`).join(", ") : "—"}`,
    `- out: ${out.length ? out.map((t) => `\`${t.to}\`${cond(t.condition)}`).join(", ") : "— (ends the run)"}`,
  ];
}

export function actionHover(app: AppModel, name: string): string {
  const action = app.graph.actions.find((a) => a.name === name);
  const lines = [`**${action?.streaming ? "streaming action" : "action"}** \`${name}\` in app \`${app.name}\`${app.graph.entrypoint === name ? " (entrypoint)" : ""}`, ""];
  if (action) {
    lines.push(`- reads: ${list(action.reads)}`, `- writes: ${list(action.writes)}`, `- inputs: ${list(action.inputs)}`);
    if (action.optionalInputs.length) lines.push(`- optional inputs: ${list(action.optionalInputs)}`);
  } else lines.push(`- not an action of this app`);
  lines.push(...transitionLines(app, name));
  return lines.join("\n");
}

const lsp = (r: SourceRange): Range => ({ start: r.start, end: r.end });
const fileName = (uri: string): string => decodeURIComponent(uri.slice(uri.lastIndexOf("/") + 1));

/** The declaration's own spec, then one section per app: its name and file, the key, and transitions in and out. */
export function declarationHover(def: ActionDef, uses: Use[]): string {
  const inputs = def.inputs?.items.map((r) => r.name) ?? [];
  const lines = [
    `**${def.kind === "streaming" ? "streaming action" : "action"}** \`${actionName(def)}\``, "",
    `- reads: ${list(def.reads?.items.map((r) => r.name) ?? [])}`,
    `- writes: ${list(def.writes?.items.map((r) => r.name) ?? [])}`,
    `- inputs: ${list(inputs)}`,
  ];
  if (def.optionalInputs.length) lines.push(`- optional inputs: ${list(def.optionalInputs)}`);
  if (uses.length === 0) lines.push("", "No app the analysis can see uses it.");
  for (const { app, name } of uses) {
    const where = `${app.uri}#L${app.range.start.line + 1}`;
    lines.push("", `app \`${app.name}\` ([${fileName(app.uri)}](${where})) as \`${name}\`${app.graph.entrypoint === name ? " (entrypoint)" : ""}`, "");
    // Bound inputs (`x.bind({ … })`) are not inputs in that app.
    const here = app.graph.actions.find((a) => a.name === name)?.inputs;
    if (here && here.join() !== inputs.join()) lines.push(`- inputs here: ${list(here)}`);
    lines.push(...transitionLines(app, name));
  }
  return lines.join("\n");
}

/** When the action is named in a builder helper shared by several apps: how many, the helper, and which apps. */
function sharedLine(app: AppModel, name: string, lookup: AppLookup): string | null {
  const group = appsSharing(app, name, (uri) => lookup.appsAt(uri));
  const place = group.length > 1 ? sharedPlace(app, name, group) : null;
  if (!place) return null;
  const helper = lookup.helperAt(place);
  const where = `[${fileName(place.file)}](${place.file}#L${place.start.line + 1})`;
  const names = [...group].sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line).map((a) => a.name);
  return `used by ${group.length} apps built from ${helper ? `\`${helper}\`` : "a shared builder helper"} (${where}): ${list(names)}`;
}

export function hover(analysis: FileAnalysis, pos: Position, lookup: AppLookup = singleFile(analysis)): Hover | null {
  const t = targetAt(analysis, pos, lookup);
  if (!t) return null;
  if (t.kind === "name") {
    const shared = sharedLine(t.app, t.name, lookup);
    const value = actionHover(t.app, t.name) + (shared ? `\n\n${shared}` : "");
    return { contents: { kind: "markdown", value }, range: lsp(t.occurrence.range) };
  }
  return { contents: { kind: "markdown", value: declarationHover(t.def, t.uses) }, range: lsp(t.at) };
}
