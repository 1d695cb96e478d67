// Values stored beyond JSON (`{ "__burr_serde__": key, "value": ... }`, Burr's
// tag) in the Variables view: what the user types turned back into the stored
// form of that type. The previews and children live in a pure module beside
// the serde, shared with the run view webview.
import { SERDE_KEY as TAG, asTagged, type Tagged } from "../../../runtime/src/state/serde/preview.js";
import type { WireValue } from "./source.js";

export { asTagged, taggedChildren, taggedPreview, type Tagged, type TaggedChild } from "../../../runtime/src/state/serde/preview.js";


/** What the user typed for a value of this type, in its stored form; throws saying how to write one. */
export function parseTaggedEdit(t: Tagged, text: string, parseJson: (text: string) => WireValue): WireValue {
  const raw = text.trim();
  const unquoted = /^".*"$/s.test(raw) ? (JSON.parse(raw) as string) : raw;
  const tag = (value: WireValue): WireValue => ({ [TAG]: t.key, value });
  switch (t.key) {
    case "Date": {
      const ms = Date.parse(unquoted.replace(/^Date\s+/, ""));
      if (Number.isNaN(ms)) throw new Error(`"${text}" is not a date: write ISO text like 2026-01-31T12:00:00Z`);
      return tag(new Date(ms).toISOString());
    }
    case "BigInt":
      if (!/^-?\d+n?$/.test(unquoted)) throw new Error(`"${text}" is not an integer: write digits like 12345678901234567890 (n optional)`);
      return tag(unquoted.replace(/n$/, ""));
    case "URL":
      try {
        return tag(new URL(unquoted.replace(/^URL\s+/, "")).href);
      } catch {
        throw new Error(`"${text}" is not a URL: write it whole, like https://example.org/path`);
      }
    case "RegExp": {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(unquoted);
      if (!m) throw new Error(`"${text}" is not a regular expression: write it like /pattern/flags`);
      try {
        new RegExp(m[1], m[2]);
      } catch (err) {
        throw new Error(`"${text}" is not a valid regular expression: ${(err as Error).message}`);
      }
      return tag({ source: m[1], flags: m[2] });
    }
    default: {
      // Anything else: its stored value as JSON (a Map's [[key, value], ...], a Set's [...], a class's serialized form), or a whole tagged value.
      const parsed = parseJson(text);
      return asTagged(parsed) ? parsed : tag(parsed);
    }
  }
}
