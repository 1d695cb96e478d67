// The tokenizer of expr(): numbers, quoted strings, names, operators and brackets.
import { ExprSyntaxError } from "./errors.js";

export type TokenKind = "number" | "string" | "name" | "op" | "end";

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the decoded value). */
  text: string;
  /** 0-based offset in the source. */
  start: number;
}

const TWO_CHAR_OPS = new Set(["==", "!=", "<=", ">=", "&&", "||", "//"]);
const ONE_CHAR_OPS = new Set(["<", ">", "!", "(", ")", ".", "-", "+", "*", "/", "%", "[", "]", ","]);
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "/": "/", "\\": "\\", "'": "'", '"': '"', "0": "\0" };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: "op", text: two, start: i });
      i += 2;
      continue;
    }
    if (ch === "=") {
      throw new ExprSyntaxError(source, i + 1, '"==" (a single "=" assigns; conditions compare)', '"="');
    }
    if (ch === "&" || ch === "|") {
      throw new ExprSyntaxError(source, i + 1, `"${ch}${ch}" or "${ch === "&" ? "and" : "or"}"`, `"${ch}"`);
    }
    if (ONE_CHAR_OPS.has(ch) && !(ch === "." && /\d/.test(source[i + 1] ?? ""))) {
      tokens.push({ kind: "op", text: ch, start: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const [text, end] = readString(source, i);
      tokens.push({ kind: "string", text, start: i });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      tokens.push({ kind: "number", text: number[0], start: i });
      i += number[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name) {
      tokens.push({ kind: "name", text: name[0], start: i });
      i += name[0].length;
      continue;
    }
    throw new ExprSyntaxError(source, i + 1, "a value, a state key or an operator", `"${ch}"`);
  }
  tokens.push({ kind: "end", text: "", start: source.length });
  return tokens;
}

/** Reads a quoted string starting at `start`; returns its value and the offset after it. */
function readString(source: string, start: number): [string, number] {
  const quote = source[start];
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === quote) return [value, i + 1];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) {
        throw new ExprSyntaxError(source, i + 1, 'an escape such as \\n, \\t, \\\\, \\", \\\' or \\uXXXX', `"\\${next}"`);
      }
      value += escaped;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new ExprSyntaxError(source, source.length + 1, `a closing ${quote} for the string opened at column ${start + 1}`, "end of input");
}
