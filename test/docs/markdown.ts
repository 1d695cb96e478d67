// Reads the documentation the docs tests check: which Markdown files, their
// fenced code blocks (with the line each starts on) and their relative links.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO = join(__dirname, "../..");

/** The user-facing docs, relative to the repository: both READMEs and docs/*.md. */
export function docFiles(): string[] {
  const docs = readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`);
  return ["README.md", "runtime/README.md", ...docs];
}

export interface CodeBlock {
  /** Repository-relative Markdown file. */
  file: string;
  /** 1-based line of the first line of code (the line after the opening fence). */
  line: number;
  lang: string;
  /** The rest of the info string after the language, e.g. "fragment". */
  info: string;
  /** The HTML comment on the nearest non-blank line above the fence, without <!-- -->. */
  marker: string | null;
  code: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;

export function codeBlocks(file: string, text = readFileSync(join(REPO, file), "utf8")): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, info] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end].trim().startsWith(fence) && lines[end].trim().replace(/[`~]/g, "") === "")) end++;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === "") above--;
    const comment = above >= 0 ? /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[above]) : null;
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join("\n");
    blocks.push({ file, line: i + 2, lang: lang.toLowerCase(), info: info.trim(), marker: comment ? comment[1] : null, code });
    i = end;
  }
  return blocks;
}

/** Lines outside code blocks, with their 1-based numbers (links and headings live there). */
export function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  text.split("\n").forEach((l, i) => {
    const m = FENCE.exec(l);
    if (fence === null && m) fence = m[2];
    else if (fence !== null && l.trim().startsWith(fence) && l.trim().replace(/[`~]/g, "") === "") fence = null;
    else if (fence === null) out.push({ line: i + 1, text: l });
  });
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text: l } of proseLines(text)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (!h) continue;
    const base = h[1]
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}
