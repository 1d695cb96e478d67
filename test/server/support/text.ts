// Positions and edits on plain text, for feature tests.
import type { Position, TextEdit } from "vscode-languageserver-protocol";

/** The position `offset` characters into the nth occurrence of needle. */
export function positionOf(text: string, needle: string, offset = 1, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, at + offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

function offsetOf(text: string, p: Position): number {
  const lines = text.split("\n");
  let o = 0;
  for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
  return o + p.character;
}

/** Applies non-overlapping edits (as LSP sends them) to text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

export function lineOf(text: string, needle: string): number {
  return positionOf(text, needle, 0).line;
}
